/** Progress lines on stderr, so stdout carries only the final table. */
export interface Progress {
  update(scenario: string, step: string, contender: string): void;
  done(scenario: string, summary: string): void;
}

/**
 * On a terminal, one line per scenario rewritten in place; otherwise (CI, pipes) one line per
 * step, so a log shows how far a run got.
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  return {
    update(scenario, step, contender) {
      const text = `[${scenario}] ${step} ${contender}`;
      if (tty) stream.write(`\r\x1b[K${text}`);
      else stream.write(`${text}\n`);
    },
    done(scenario, summary) {
      const text = `[${scenario}] done: ${summary}`;
      stream.write(tty ? `\r\x1b[K${text}\n` : `${text}\n`);
    },
  };
}
