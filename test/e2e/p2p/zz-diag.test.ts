import { afterAll, it } from 'vitest';
import { TestNetwork } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';

const net = new TestNetwork(tempDir('diag'));
afterAll(() => net.stopAll());
it('diag', async () => {
  const t0 = Date.now();
  const reg = await net.start({ name: 'reg' });
  for (const ev of ['peer:connect', 'peer:disconnect', 'connection:open', 'connection:close'] as const) {
    reg.p2p.libp2p.addEventListener(ev, (e: any) => console.log(Date.now() - t0, 'reg', ev, e.detail?.direction ?? '', String(e.detail?.remotePeer ?? e.detail)));
  }
  const other = await net.start({ name: 'tn', network: 'testnet', bootstrap: [reg.address] });
  for (const ev of ['peer:connect', 'peer:disconnect', 'connection:open', 'connection:close'] as const) {
    other.p2p.libp2p.addEventListener(ev, (e: any) => console.log(Date.now() - t0, 'tn', ev, e.detail?.direction ?? '', String(e.detail?.remotePeer ?? e.detail)));
  }
  await new Promise((r) => setTimeout(r, 12000));
}, 30000);
