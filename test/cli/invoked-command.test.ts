import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-table.js';
import { invokedCommand, leadingOptionsOf } from '../../src/cli/invoked-command.js';
import { createCli } from '../../src/cli/program.js';
import { runCliAsync as runCli } from './run-cli.js';

const NAMES = COMMANDS.map(([name]) => name);
const KNOWN = new Set(NAMES);
/** As main.ts reads them: from the program's own option definitions. */
const LEADING = leadingOptionsOf(createCli({ version: '0.0.0', makeLogger: () => { throw new Error('no logger in this test'); } }).program);

/** The global options as a user may write them before the command. */
const globalOption = fc.oneof(
  fc.constant(['--quiet']),
  fc.string({ minLength: 1 }).map((v) => ['--db', v]),
  fc.string().map((v) => [`--db=${v}`]),
  fc.constantFrom('info', 'debug', 'loud').map((v) => ['--log-level', v]),
  fc.constantFrom('warn', '').map((v) => [`--log-level=${v}`]),
);
const rest = fc.array(fc.string(), { maxLength: 6 });

describe('invokedCommand: the command an argv names, before commander sees it', () => {
  it('finds the command after any global options, whatever follows it', () => {
    fc.assert(
      fc.property(fc.array(globalOption, { maxLength: 4 }), fc.constantFrom(...NAMES), rest, (globals, name, tail) => {
        expect(invokedCommand([...globals.flat(), name, ...tail], KNOWN, LEADING)).toBe(name);
      }),
    );
  });

  it('gives null (every command is loaded) for an unknown first word, an unknown option, help or version', () => {
    const notACommand = fc.string({ minLength: 1 }).filter((w) => !w.startsWith('-') && !KNOWN.has(w));
    const otherOption = fc.constantFrom('--help', '-h', '--version', '-V', '--bogus', '-q');
    fc.assert(
      fc.property(fc.array(globalOption, { maxLength: 3 }), fc.oneof(notACommand.map((w) => [w]), otherOption.map((o) => [o])), fc.constantFrom(...NAMES), (globals, stop, name) => {
        expect(invokedCommand([...globals.flat(), ...stop, name], KNOWN, LEADING)).toBeNull();
      }),
    );
    expect(invokedCommand([], KNOWN, LEADING)).toBeNull();
    // A value-taking option at the very end has no command after it.
    expect(invokedCommand(['--db'], KNOWN, LEADING)).toBeNull();
    // The value of --db is not taken for the command, even when it spells one.
    expect(invokedCommand(['--db', 'runs'], KNOWN, LEADING)).toBeNull();
    expect(invokedCommand(['--db', 'runs', 'doctor'], KNOWN, LEADING)).toBe('doctor');
  });
});

describe.concurrent('each command loaded alone is the command of its name (real child processes)', () => {
  it('engine --help lists every command of the table, in its order', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    const commandsSection = r.stdout.slice(r.stdout.indexOf('Commands:'));
    const listed = [...commandsSection.matchAll(/^ {2}([a-z][a-z0-9-]*) /gm)].map((m) => m[1]).filter((n) => n !== 'help');
    expect(listed).toEqual(NAMES);
  });
  for (const name of NAMES) {
    it(`engine --quiet ${name} --help`, async () => {
      const r = await runCli(['--quiet', name, '--help']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: engine ${name} `));
    });
  }
});
