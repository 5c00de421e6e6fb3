import type { RegisterCommand } from './program.js';

/**
 * Every command of `engine`, in the order `engine --help` lists them, each with the module that registers
 * it. main.ts imports a module only when its command runs (or when all are needed: help, errors), so a
 * command's start-up pays for its own code only.
 */
export const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<RegisterCommand>]> = [
  ['backtest', async () => (await import('./commands/backtest.js')).registerBacktest],
  ['sweep', async () => (await import('./commands/sweep.js')).registerSweep],
  ['events', async () => (await import('./commands/events.js')).registerEvents],
  ['runs', async () => (await import('./commands/runs.js')).registerRuns],
  ['projections', async () => (await import('./commands/projections.js')).registerProjections],
  ['doctor', async () => (await import('./commands/doctor.js')).registerDoctor],
  ['reasons', async () => (await import('./commands/reasons.js')).registerReasons],
  ['kill-switch', async () => (await import('./commands/kill-switch.js')).registerKillSwitch],
  ['config', async () => (await import('./commands/config.js')).registerConfig],
  ['stage7-run', async () => (await import('./commands/stage7-run.js')).registerStage7Run],
  ['replay', async () => (await import('./commands/replay.js')).registerReplay],
  ['backup', async () => (await import('./commands/backup.js')).registerBackup],
  ['restore', async () => (await import('./commands/restore.js')).registerRestore],
  ['store', async () => (await import('./commands/store-copy.js')).registerStoreCopy],
  ['export', async () => (await import('./commands/export.js')).registerExport],
  ['positions', async () => (await import('./commands/positions.js')).registerPositions],
  ['orders', async () => (await import('./commands/orders.js')).registerOrders],
  ['ledger', async () => (await import('./commands/ledger.js')).registerLedger],
  ['risk', async () => (await import('./commands/risk.js')).registerRisk],
  ['explain', async () => (await import('./commands/explain.js')).registerExplain],
];
