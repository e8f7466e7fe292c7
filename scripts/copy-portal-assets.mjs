// The portal's stylesheet and script are files, not TypeScript: the build copies them next to the compiled portal.
import { cpSync } from 'node:fs';

cpSync('src/portal/assets', 'dist/portal/assets', {
  recursive: true,
  filter: (path) => !path.endsWith('.ts'),
});
