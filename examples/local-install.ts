// The quick-start app imports the library by its package name, as a user's app does. Inside this repository that
// name is made to resolve to the repository itself (its compiled lib/), the way `npm install <path>` links it.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = 'cdk-workload-identity';

/** Links the library into `<dir>/node_modules/cdk-workload-identity`; fails when it has not been compiled. */
export function linkLibraryInto(dir: string): void {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
    throw new Error(`${PACKAGE} is not compiled (no lib/index.js): run npx projen compile first`);
  }
  const link = path.join(dir, 'node_modules', PACKAGE);
  if (fs.existsSync(link) && fs.realpathSync(link) === fs.realpathSync(ROOT)) return;
  fs.rmSync(link, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(path.relative(path.dirname(link), ROOT), link, 'dir');
}
