/**
 * synckit's worker for the blockon-roundtrip scenario (its own entry, `dist/synckit-add.js`):
 * `createSyncFn` on the main thread calls this addition synchronously.
 */
import { runAsWorker } from 'synckit';

runAsWorker((a: number, b: number): number => a + b);
