// Loaded with `node --import` into every thread of a test process (worker threads inherit the
// process's execArgv, the io reactor included). In the reactor thread it turns `fs.open` of a
// path that ends in `crash-the-reactor` into an uncaught error thrown from the event loop: a bug
// in reactor code, surfacing the way a real one would. Other paths and threads are untouched.
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (!isMainThread) {
  const open = fs.open;
  fs.open = function (path, ...rest) {
    if (String(path).endsWith('crash-the-reactor')) {
      setImmediate(() => {
        throw new Error('injected reactor crash');
      });
      return;
    }
    return open.call(this, path, ...rest);
  };
}
