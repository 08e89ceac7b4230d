// Placeholder entry point; to be replaced by the real demo.
import { PENDING } from '@tide/core';

console.log(`tide demo: @tide/core loaded (PENDING = ${String(PENDING)})`);
