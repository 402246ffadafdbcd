// `kindling` from the TypeScript sources, for tests that run the command in a child process.
import { main } from '../../lib/jobs/cli';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
