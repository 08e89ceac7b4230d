// @ts-check
// `npm run check-snippets -w @tide/docs`: type-checks every ```ts block of the docs (see snippets.mjs).
import { main } from './snippets.mjs';

process.exitCode = main();
