/**
 * An in-process EventStoreDB stand-in: a real gRPC server (@grpc/grpc-js) speaking the protocol of the
 * service definitions @eventstore/db-client ships (streams Read/Append/BatchAppend, server features,
 * gossip), so the real client talks to it over a real socket on 127.0.0.1. It exists so CI can prove the
 * adapter without a server; it is NOT a server (no persistence, no cluster, no auth, no projections,
 * no stream deletion, no link resolution). Test and bench infrastructure only.
 */
import { randomUUID } from 'node:crypto';
import type { Server as NetServer, Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import codePb from '@eventstore/db-client/generated/code_pb.js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import gossipGrpc from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import gossipPb from '@eventstore/db-client/generated/gossip_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { type AppendOutcome, type Expected, type LogRecord, type ProposedRecord, StandInLog } from './log.js';

type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
type AppendResp = InstanceType<typeof streamsPb.AppendResp>;
type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
type FilterOptions = InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>;

export interface StandInFaults {
  /**
   * One shot: the next append to `stream` (any stream when omitted) kills every connection, either
   * before anything is written ('before-write': nothing stored) or after the whole batch is written but
   * before it is acknowledged ('after-write'). The node stays down until restart().
   */
  dropConnectionsOnAppend?: { stream?: string; when: 'before-write' | 'after-write' };
  /** Appends are never completed: classic appends hang until the client's deadline, batch appends are answered with a Timeout at their deadline. */
  stallAppends?: boolean;
}

export interface StandInOptions {
  log?: StandInLog;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A follower refuses writes with the server's own not-leader answer, naming the leader. */
  role?: 'leader' | 'follower';
  leader?: () => { host: string; port: number };
  /** Advertise BatchAppend (as servers since 21.10 do; the client then uses it for appends). */
  batchAppend?: boolean;
}

const HOST = '127.0.0.1';

export class EsdbStandIn {
  readonly log: StandInLog;
  faults: StandInFaults = {};
  /** Appends received (both protocols), for tests that check a retry really happened. */
  appendCalls = 0;
  notLeaderAnswers = 0;
  private server: grpc.Server | null = null;
  private readonly liveCalls = new Set<() => void>();

  private constructor(
    private readonly options: StandInOptions,
    public port: number,
  ) {
    this.log = options.log ?? new StandInLog();
  }

  static async start(options: StandInOptions = {}): Promise<EsdbStandIn> {
    const node = new EsdbStandIn(options, options.port ?? 0);
    await node.listen();
    return node;
  }

  get connectionString(): string {
    return `esdb://${HOST}:${this.port}?tls=false`;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** The server goes away: every connection is destroyed, nothing is answered. */
  kill(): void {
    for (const end of this.liveCalls) end();
    this.liveCalls.clear();
    this.server?.forceShutdown();
    this.server = null;
  }

  /** Comes back on the same port with the same log (what a restarted node holds after recovery). */
  async restart(): Promise<void> {
    if (this.server) this.kill();
    await this.listen();
  }

  async stop(): Promise<void> {
    this.kill();
  }

  private async listen(): Promise<void> {
    const server = new grpc.Server();
    server.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => void this.read(call),
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, cb: grpc.sendUnaryData<AppendResp>) => this.append(call, cb),
      batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => this.batchAppend(call),
      delete: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED, details: 'not in the stand-in' }),
      tombstone: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED, details: 'not in the stand-in' }),
    });
    server.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, this.supportedMethods()),
    });
    server.addService(gossipGrpc.GossipService, {
      read: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, this.clusterInfo()),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${HOST}:${this.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    // Like a real server (Kestrel sets TCP_NODELAY), answer without Nagle's delay; grpc-js does not
    // expose the option, so reach its listening sockets.
    const internals = server as unknown as { http2Servers?: Map<NetServer, unknown> };
    for (const h2 of internals.http2Servers?.keys() ?? []) h2.on('connection', (socket: Socket) => socket.setNoDelay(true));
    this.server = server;
  }

  // ---- server features and gossip ----

  private supportedMethods(): unknown {
    const m = new featuresPb.SupportedMethods();
    m.setEventStoreServerVersion('0.0.0-stand-in');
    const methods: Array<[string, string]> = [
      ['event_store.client.streams.Streams', 'Read'],
      ['event_store.client.streams.Streams', 'Append'],
      ['event_store.client.gossip.Gossip', 'Read'],
      ['event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'],
    ];
    if (this.options.batchAppend ?? true) methods.push(['event_store.client.streams.Streams', 'BatchAppend']);
    for (const [service, method] of methods) {
      const sm = new featuresPb.SupportedMethod();
      sm.setServiceName(service);
      sm.setMethodName(method);
      m.addMethods(sm);
    }
    return m;
  }

  private clusterInfo(): unknown {
    const info = new gossipPb.ClusterInfo();
    const add = (host: string, port: number, state: number): void => {
      const member = new gossipPb.MemberInfo();
      const id = new sharedPb.UUID();
      id.setString(randomUUID());
      member.setInstanceId(id);
      member.setTimeStamp(String(Date.now()));
      member.setState(state);
      member.setIsAlive(true);
      const ep = new gossipPb.EndPoint();
      ep.setAddress(host);
      ep.setPort(port);
      member.setHttpEndPoint(ep);
      info.addMembers(member);
    };
    if (this.options.role === 'follower' && this.options.leader) {
      add(HOST, this.port, gossipPb.MemberInfo.VNodeState.FOLLOWER);
      const leader = this.options.leader();
      add(leader.host, leader.port, gossipPb.MemberInfo.VNodeState.LEADER);
    } else {
      add(HOST, this.port, gossipPb.MemberInfo.VNodeState.LEADER);
    }
    return info;
  }

  private notLeader(): grpc.ServiceError | null {
    if (this.options.role !== 'follower' || !this.options.leader) return null;
    this.notLeaderAnswers++;
    const leader = this.options.leader();
    const metadata = new grpc.Metadata();
    metadata.set('exception', 'not-leader');
    metadata.set('leader-endpoint-host', leader.host);
    metadata.set('leader-endpoint-port', String(leader.port));
    return Object.assign(new Error('Leader info available'), { code: grpc.status.NOT_FOUND, details: 'Leader info available', metadata });
  }

  // ---- appends ----

  /** Applies the fault plan around a store append. Returns null when the connection was dropped. */
  private async applyAppend(stream: string, events: ProposedRecord[], expected: Expected, deadline: Date | null): Promise<AppendOutcome | 'timeout' | null> {
    this.appendCalls++;
    const drop = this.faults.dropConnectionsOnAppend;
    const dropHere = drop && (drop.stream === undefined || drop.stream === stream);
    if (dropHere && drop.when === 'before-write') {
      delete this.faults.dropConnectionsOnAppend;
      this.kill();
      return null;
    }
    if (this.faults.stallAppends) {
      if (!deadline) return new Promise<null>(() => undefined); // the client's deadline ends the call
      await sleep(Math.max(0, deadline.getTime() - Date.now()));
      return 'timeout';
    }
    const outcome = this.log.append(stream, events, expected);
    if (dropHere && drop.when === 'after-write') {
      delete this.faults.dropConnectionsOnAppend;
      this.kill();
      return null;
    }
    return outcome;
  }

  private append(call: grpc.ServerReadableStream<AppendReq, AppendResp>, cb: grpc.sendUnaryData<AppendResp>): void {
    let options: InstanceType<typeof streamsPb.AppendReq.Options> | undefined;
    const events: ProposedRecord[] = [];
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      const m = req.getProposedMessage();
      if (m) events.push(proposed(m));
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      const refused = this.notLeader();
      if (refused) return cb(refused);
      if (!options) return cb({ code: grpc.status.INVALID_ARGUMENT, details: 'append without options' });
      const stream = streamName(options.getStreamIdentifier());
      const C = streamsPb.AppendReq.Options.ExpectedStreamRevisionCase;
      const expected: Expected = (() => {
        switch (options.getExpectedStreamRevisionCase()) {
          case C.REVISION: return { kind: 'revision', revision: BigInt(options.getRevision()) } as const;
          case C.NO_STREAM: return { kind: 'no_stream' } as const;
          case C.STREAM_EXISTS: return { kind: 'stream_exists' } as const;
          default: return { kind: 'any' } as const;
        }
      })();
      void this.applyAppend(stream, events, expected, null).then((outcome) => {
        if (outcome === null || outcome === 'timeout') return;
        const resp = new streamsPb.AppendResp();
        if (outcome.kind === 'success') {
          const s = new streamsPb.AppendResp.Success();
          s.setCurrentRevision(outcome.currentRevision.toString());
          const p = new streamsPb.AppendResp.Position();
          p.setCommitPosition(outcome.position.toString());
          p.setPreparePosition(outcome.position.toString());
          s.setPosition(p);
          resp.setSuccess(s);
        } else {
          const w = new streamsPb.AppendResp.WrongExpectedVersion();
          if (outcome.current === 'no_stream') w.setCurrentNoStream(new sharedPb.Empty());
          else w.setCurrentRevision(outcome.current.toString());
          const e = outcome.expected;
          if (e.kind === 'revision') w.setExpectedRevision(e.revision.toString());
          else if (e.kind === 'no_stream') w.setExpectedNoStream(new sharedPb.Empty());
          else if (e.kind === 'stream_exists') w.setExpectedStreamExists(new sharedPb.Empty());
          else w.setExpectedAny(new sharedPb.Empty());
          resp.setWrongExpectedVersion(w);
        }
        cb(null, resp);
      });
    });
  }

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    const pending = new Map<string, { options?: InstanceType<typeof streamsPb.BatchAppendReq.Options>; events: ProposedRecord[] }>();
    let chain = Promise.resolve();
    const end = (): void => { call.end(); };
    this.liveCalls.add(end);
    call.on('error', () => undefined);
    call.on('end', () => {
      void chain.then(() => { this.liveCalls.delete(end); call.end(); });
    });
    call.on('data', (req: BatchAppendReq) => {
      const refused = this.notLeader();
      if (refused) {
        this.liveCalls.delete(end);
        call.emit('error', refused);
        return;
      }
      const cid = req.getCorrelationId()?.getString() ?? '';
      const entry = pending.get(cid) ?? { events: [] };
      if (req.hasOptions()) entry.options = req.getOptions();
      for (const m of req.getProposedMessagesList()) entry.events.push(proposed(m));
      if (!req.getIsFinal()) { pending.set(cid, entry); return; }
      pending.delete(cid);
      chain = chain.then(() => this.completeBatch(call, cid, entry.options, entry.events));
    });
  }

  private async completeBatch(
    call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>,
    cid: string,
    options: InstanceType<typeof streamsPb.BatchAppendReq.Options> | undefined,
    events: ProposedRecord[],
  ): Promise<void> {
    if (!options) return;
    const identifier = options.getStreamIdentifier();
    const stream = streamName(identifier);
    const C = streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase;
    let expected: Expected;
    switch (options.getExpectedStreamPositionCase()) {
      case C.STREAM_POSITION: expected = { kind: 'revision', revision: BigInt(options.getStreamPosition()) }; break;
      case C.NO_STREAM: expected = { kind: 'no_stream' }; break;
      case C.STREAM_EXISTS: expected = { kind: 'stream_exists' }; break;
      default: expected = { kind: 'any' };
    }
    const deadline = options.getDeadline()?.toDate() ?? null;
    const resp = new streamsPb.BatchAppendResp();
    const id = new sharedPb.UUID();
    id.setString(cid);
    resp.setCorrelationId(id);
    resp.setStreamIdentifier(identifier);
    if (expected.kind === 'revision') resp.setStreamPosition(expected.revision.toString());
    else if (expected.kind === 'no_stream') resp.setNoStream(new emptyPb.Empty());
    else if (expected.kind === 'stream_exists') resp.setStreamExists(new emptyPb.Empty());
    else resp.setAny(new emptyPb.Empty());

    if (deadline && deadline.getTime() < Date.now()) {
      resp.setError(errorStatus(codePb.Code.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout'));
      call.write(resp);
      return;
    }
    const outcome = await this.applyAppend(stream, events, expected, deadline);
    if (outcome === null) return;
    if (outcome === 'timeout') {
      resp.setError(errorStatus(codePb.Code.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout'));
    } else if (outcome.kind === 'success') {
      const s = new streamsPb.BatchAppendResp.Success();
      s.setCurrentRevision(outcome.currentRevision.toString());
      const p = new sharedPb.AllStreamPosition();
      p.setCommitPosition(outcome.position.toString());
      p.setPreparePosition(outcome.position.toString());
      s.setPosition(p);
      resp.setSuccess(s);
    } else {
      const w = new sharedPb.WrongExpectedVersion();
      if (outcome.current === 'no_stream') w.setCurrentNoStream(new emptyPb.Empty());
      else w.setCurrentStreamRevision(outcome.current.toString());
      const e = outcome.expected;
      if (e.kind === 'revision') w.setExpectedStreamPosition(e.revision.toString());
      else if (e.kind === 'no_stream') w.setExpectedNoStream(new emptyPb.Empty());
      else if (e.kind === 'stream_exists') w.setExpectedStreamExists(new emptyPb.Empty());
      else w.setExpectedAny(new emptyPb.Empty());
      resp.setError(errorStatus(codePb.Code.FAILED_PRECONDITION, 'WrongExpectedVersion', w, 'event_store.client.WrongExpectedVersion'));
    }
    if (this.server) call.write(resp);
  }

  // ---- reads and subscriptions ----

  private async read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    const end = (): void => { call.end(); };
    this.liveCalls.add(end);
    try {
      const options = call.request.getOptions();
      if (!options) return void call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'read without options' });
      const forwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.FORWARDS;
      const count = options.hasCount() ? Number(BigInt(options.getCount())) : Number.MAX_SAFE_INTEGER;
      const accept = filterOf(options.hasFilter() ? options.getFilter() : undefined);
      const subscription = options.hasSubscription();
      const writer = new Writer(call);

      if (options.hasStream()) {
        const so = options.getStream()!;
        const stream = streamName(so.getStreamIdentifier());
        if (subscription) return void call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'stream subscriptions are not in the stand-in' });
        const recs = this.log.streamRecords(stream);
        if (!recs) {
          const nf = new streamsPb.ReadResp.StreamNotFound();
          nf.setStreamIdentifier(so.getStreamIdentifier());
          const resp = new streamsPb.ReadResp();
          resp.setStreamNotFound(nf);
          await writer.write(resp);
          return void call.end();
        }
        const R = streamsPb.ReadReq.Options.StreamOptions.RevisionOptionCase;
        const last = recs.length - 1;
        let from: number;
        switch (so.getRevisionOptionCase()) {
          case R.START: from = forwards ? 0 : -1; break;
          case R.END: from = forwards ? recs.length : last; break;
          default: from = Number(BigInt(so.getRevision()));
        }
        if (!forwards) from = Math.min(from, last);
        let sent = 0;
        for (let i = from; sent < count && i >= 0 && i < recs.length; i += forwards ? 1 : -1) {
          if (!(await writer.write(recordResp(recs[i]!)))) return;
          sent++;
        }
        return void call.end();
      }

      const ao = options.getAll()!;
      const A = streamsPb.ReadReq.Options.AllOptions.AllOptionCase;
      const all = this.log.all;
      let index: number;
      let position: bigint | null = null;
      switch (ao.getAllOptionCase()) {
        case A.START: index = forwards ? 0 : -1; break;
        case A.END: index = forwards ? all.length : all.length - 1; break;
        default: {
          position = BigInt(ao.getPosition()!.getCommitPosition());
          // Reads are inclusive of the position forwards, exclusive backwards; a subscription delivers what comes after it.
          index = forwards ? this.log.indexAtOrAfter(position) : this.log.indexAtOrAfter(position) - 1;
          if (subscription && all[index]?.position === position) index++;
        }
      }

      if (!subscription) {
        let sent = 0;
        for (let i = index; sent < count && i >= 0 && i < all.length; i += forwards ? 1 : -1) {
          const rec = all[i]!;
          if (!accept(rec)) continue;
          if (!(await writer.write(recordResp(rec)))) return;
          sent++;
        }
        return void call.end();
      }

      const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
      confirmation.setSubscriptionId(randomUUID());
      const confirm = new streamsPb.ReadResp();
      confirm.setConfirmation(confirmation);
      if (!(await writer.write(confirm))) return;
      let cursor = Math.max(0, index);
      let wake: (() => void) | null = null;
      const unsubscribe = this.log.onAppend(() => wake?.());
      call.on('cancelled', () => wake?.());
      try {
        let caughtUp = false;
        while (!call.cancelled && this.server) {
          while (cursor < all.length) {
            const rec = all[cursor++]!;
            if (accept(rec) && !(await writer.write(recordResp(rec)))) return;
          }
          if (!caughtUp) {
            caughtUp = true;
            const resp = new streamsPb.ReadResp();
            resp.setCaughtUp(new streamsPb.ReadResp.CaughtUp());
            if (!(await writer.write(resp))) return;
          }
          if (cursor >= all.length) await new Promise<void>((resolve) => { wake = resolve; });
          wake = null;
        }
      } finally {
        unsubscribe();
      }
    } finally {
      this.liveCalls.delete(end);
    }
  }
}

/** Writes with backpressure; false once the call is gone. */
class Writer {
  constructor(private readonly call: grpc.ServerWritableStream<ReadReq, ReadResp>) {}
  async write(resp: ReadResp): Promise<boolean> {
    if (this.call.cancelled || this.call.destroyed) return false;
    if (this.call.write(resp)) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => { this.call.off('drain', done); this.call.off('cancelled', done); this.call.off('close', done); resolve(); };
      this.call.on('drain', done);
      this.call.on('cancelled', done);
      this.call.on('close', done);
    });
    return !this.call.cancelled && !this.call.destroyed;
  }
}

function recordResp(rec: LogRecord): ReadResp {
  const re = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  id.setString(rec.id);
  re.setId(id);
  const sid = new sharedPb.StreamIdentifier();
  sid.setStreamName(Buffer.from(rec.stream, 'utf8'));
  re.setStreamIdentifier(sid);
  re.setStreamRevision(rec.revision.toString());
  re.setPreparePosition(rec.position.toString());
  re.setCommitPosition(rec.position.toString());
  const meta = re.getMetadataMap();
  meta.set('type', rec.type);
  meta.set('content-type', rec.contentType);
  meta.set('created', rec.created.toString());
  re.setData(rec.data);
  re.setCustomMetadata(rec.customMetadata);
  const ev = new streamsPb.ReadResp.ReadEvent();
  ev.setEvent(re);
  ev.setCommitPosition(rec.position.toString());
  const resp = new streamsPb.ReadResp();
  resp.setEvent(ev);
  return resp;
}

function proposed(m: { getId(): InstanceType<typeof sharedPb.UUID> | undefined; getMetadataMap(): { get(k: string): string | undefined }; getData_asU8(): Uint8Array; getCustomMetadata_asU8(): Uint8Array }): ProposedRecord {
  const meta = m.getMetadataMap();
  return {
    id: m.getId()?.getString() ?? randomUUID(),
    type: meta.get('type') ?? '',
    contentType: meta.get('content-type') ?? 'application/octet-stream',
    data: m.getData_asU8(),
    customMetadata: m.getCustomMetadata_asU8(),
  };
}

function streamName(identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

function filterOf(filter: FilterOptions | undefined): (rec: LogRecord) => boolean {
  if (!filter) return () => true;
  const onType = filter.hasEventType();
  const expr = onType ? filter.getEventType() : filter.getStreamIdentifier();
  if (!expr) return () => true;
  const regex = expr.getRegex() ? new RegExp(expr.getRegex()) : null;
  const prefixes = expr.getPrefixList();
  return (rec) => {
    const value = onType ? rec.type : rec.stream;
    if (regex && !regex.test(value)) return false;
    if (prefixes.length > 0 && !prefixes.some((p) => value.startsWith(p))) return false;
    return true;
  };
}

function errorStatus(code: number, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string): InstanceType<typeof statusPb.Status> {
  const status = new statusPb.Status();
  status.setCode(code);
  status.setMessage(message);
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), typeName);
  status.setDetails(any);
  return status;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
