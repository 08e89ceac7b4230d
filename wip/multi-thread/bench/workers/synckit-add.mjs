import { runAsWorker } from 'synckit';

runAsWorker((a, b) => a + b);
