/** The node's logger: level specs with per-module overrides, module levels on children, and redaction of secrets. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../../src/node/config.js';
import { createLogger, levelFor, LOG_MODULES, moduleLogger, mostVerbose, parseLogLevels } from '../../../src/node/logging.js';

/** A destination that keeps each JSON line. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('parseLogLevels', () => {
  it('reads a single level as the default', () => {
    expect(parseLogLevels('debug')).toEqual({ default: 'debug', modules: {} });
    for (const level of LOG_LEVELS) expect(parseLogLevels(level).default).toBe(level);
  });

  it('reads per-module overrides and a default in any order', () => {
    expect(parseLogLevels('chain=debug,p2p=warn,info')).toEqual({ default: 'info', modules: { chain: 'debug', p2p: 'warn' } });
    expect(parseLogLevels('error, chain = trace ,rpc=silent')).toEqual({ default: 'error', modules: { chain: 'trace', rpc: 'silent' } });
  });

  it('defaults to info when only modules are named, and ignores case in levels', () => {
    expect(parseLogLevels('p2p=DEBUG')).toEqual({ default: 'info', modules: { p2p: 'debug' } });
  });

  it('rejects empty specs and items, unknown levels, bad module names and repeats', () => {
    for (const bad of ['', ' ', 'info,', ',info', 'loud', 'chain=loud', 'chain=', '=debug', 'ch ain=debug', '1x=debug', 'info,warn', 'chain=debug,chain=info', 'chian=debug', 'Chain=debug', 'wallet=debug']) {
      expect(() => parseLogLevels(bad), bad).toThrow(RangeError);
    }
  });

  it('accepts every module that logs and names the closest one for a misspelling', () => {
    for (const module of LOG_MODULES) expect(parseLogLevels(`${module}=debug`).modules[module]).toBe('debug');
    expect(() => parseLogLevels('chian=debug')).toThrow(/did you mean chain\?/);
    expect(() => parseLogLevels('xyzzy=debug')).toThrow(/unknown module xyzzy; modules: node, chain/);
  });

  it('resolves a module level and the most verbose level', () => {
    const levels = parseLogLevels('chain=debug,p2p=warn,info');
    expect(levelFor(levels, 'chain')).toBe('debug');
    expect(levelFor(levels, 'p2p')).toBe('warn');
    expect(levelFor(levels, 'mempool')).toBe('info');
    expect(levelFor(levels)).toBe('info');
    expect(levelFor(levels, 'toString')).toBe('info');
    expect(mostVerbose(levels)).toBe('debug');
    expect(mostVerbose(parseLogLevels('p2p=error,warn'))).toBe('warn');
    expect(mostVerbose(parseLogLevels('silent'))).toBe('silent');
  });
});

describe('createLogger', () => {
  it('keeps a plain level as before', () => {
    const out = capture();
    const log = createLogger('warn', 'json', out.stream);
    expect(log.level).toBe('warn');
    log.info('hidden');
    log.child({ module: 'chain' }).info('hidden too');
    log.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('gives each module child its own level', () => {
    const out = capture();
    const log = createLogger('chain=debug,p2p=warn,info', 'json', out.stream);
    const chain = moduleLogger(log, 'chain');
    const p2p = log.child({ module: 'p2p' });
    const mempool = log.child({ module: 'mempool' });
    expect([chain.level, p2p.level, mempool.level]).toEqual(['debug', 'warn', 'info']);
    chain.debug('chain debug');
    chain.trace('chain trace');
    p2p.info('p2p info');
    p2p.warn('p2p warn');
    mempool.debug('mempool debug');
    mempool.info('mempool info');
    expect(out.lines().map((l) => l.msg)).toEqual(['chain debug', 'p2p warn', 'mempool info']);
    expect(out.lines()[0]).toMatchObject({ module: 'chain', level: 20 });
  });

  it('passes the module level on to grandchildren', () => {
    const out = capture();
    const log = createLogger('p2p=debug,warn', 'json', out.stream);
    const peer = log.child({ module: 'p2p' }).child({ peer: '12D3KooW' });
    expect(peer.level).toBe('debug');
    peer.debug('peer debug');
    expect(out.lines()).toEqual([expect.objectContaining({ module: 'p2p', peer: '12D3KooW', msg: 'peer debug' })]);
  });

  it('keeps an explicit child level', () => {
    const log = createLogger('chain=debug,info', 'json', capture().stream);
    expect(log.child({ module: 'rpc' }, { level: 'error' }).level).toBe('error');
  });

  it('filters root lines by their module field, and root lines without one by the default', () => {
    const out = capture();
    const log = createLogger('chain=debug,node=warn,info', 'json', out.stream);
    log.debug({ module: 'chain', height: 1 }, 'chain line');
    log.info({ module: 'node' }, 'node info');
    log.debug({ module: 'mempool' }, 'mempool debug');
    log.debug('root debug');
    log.info('root info');
    log.debug({ height: 2 }, 'root object debug');
    expect(out.lines().map((l) => l.msg)).toEqual(['chain line', 'root info']);
  });

  it('honours silent per module and as the default', () => {
    const out = capture();
    const log = createLogger('rpc=silent,info', 'json', out.stream);
    log.child({ module: 'rpc' }).fatal('rpc fatal');
    log.child({ module: 'chain' }).info('chain info');
    expect(out.lines().map((l) => l.msg)).toEqual(['chain info']);
    const quiet = capture();
    const none = createLogger('silent', 'json', quiet.stream);
    none.fatal('nothing');
    none.child({ module: 'chain' }).fatal('nothing');
    expect(quiet.text()).toBe('');
  });

  it('accepts parsed levels and rejects a bad spec', () => {
    const log = createLogger(parseLogLevels('miner=trace,error'), 'json', capture().stream);
    expect(log.level).toBe('trace');
    expect(log.child({ module: 'miner' }).level).toBe('trace');
    expect(log.child({ module: 'chain' }).level).toBe('error');
    expect(() => createLogger('chain=loud', 'json', capture().stream)).toThrow(RangeError);
  });

  it('redacts passwords, secret keys and cookies at the top level and one level down', () => {
    const out = capture();
    const log = createLogger('info', 'json', out.stream);
    log.info({ password: 'hunter2', secretKey: 'aa'.repeat(32), user: 'alice' }, 'top');
    log.info({ rpc: { password: 'hunter3', rpcPassword: 'hunter4' }, wallet: { secretKey: 'bb'.repeat(32), privateKey: 'cc' }, cookie: '__cookie__:x' }, 'nested');
    log.child({ module: 'rpc' }).warn({ headers: { authorization: 'Basic abc' } }, 'child');
    const [top, nested, child] = out.lines();
    expect(top).toMatchObject({ password: '[redacted]', secretKey: '[redacted]', user: 'alice' });
    expect(nested).toMatchObject({
      rpc: { password: '[redacted]', rpcPassword: '[redacted]' },
      wallet: { secretKey: '[redacted]', privateKey: '[redacted]' },
      cookie: '[redacted]',
    });
    expect(child).toMatchObject({ headers: { authorization: '[redacted]' } });
    for (const secret of ['hunter2', 'hunter3', 'hunter4', 'aa'.repeat(32), 'bb'.repeat(32), '__cookie__', 'Basic abc']) expect(out.text()).not.toContain(secret);
  });

  it('redacts under per-module levels too, and in pretty output', () => {
    const out = capture();
    createLogger('chain=debug,info', 'json', out.stream).child({ module: 'chain' }).debug({ secretKey: 'dd'.repeat(32) }, 'x');
    expect(out.lines()[0]).toMatchObject({ secretKey: '[redacted]' });
    const shown = capture();
    createLogger('info', 'pretty', shown.stream).child({ module: 'wallet' }).info({ password: 'hunter5' }, 'pretty line');
    expect(shown.text()).toContain('pretty line');
    expect(shown.text()).toContain('[wallet]');
    expect(shown.text()).not.toContain('hunter5');
  });

  it('prints no empty module tag in pretty output for lines without a module', () => {
    const shown = capture();
    createLogger('info', 'pretty', shown.stream).info('no module');
    expect(shown.text()).toContain('no module');
    expect(shown.text()).not.toContain('[]');
  });

  it('keeps running when its output closes under it (EPIPE), in both formats', async () => {
    for (const format of ['json', 'pretty'] as const) {
      let writes = 0;
      const closed = new Writable({
        write(_chunk, _enc, done) {
          writes++;
          done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        },
      });
      const log = createLogger('info', format, closed);
      log.info('first line: the reader is gone');
      // The error is emitted on a later tick: an unheard one would end the process (vitest reports it).
      await new Promise((r) => setImmediate(r));
      log.info('later lines are dropped');
      await new Promise((r) => setImmediate(r));
      expect(writes).toBeGreaterThan(0);
      expect(closed.destroyed).toBe(true);
    }
  });
});
