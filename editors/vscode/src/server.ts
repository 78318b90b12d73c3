/*
 * Where the facet binary is: the facet.path setting, else the binary a
 * platform-specific .vsix carries in server/, else facet on PATH.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Found {
  path: string;
  from: 'setting' | 'bundled' | 'PATH';
}

export interface NotFound {
  path: undefined;
  why: string;
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  const names = process.platform === 'win32' ? [name + '.exe', name] : [name];

  for (const dir of dirs) {
    for (const n of names) {
      const file = path.join(dir || '.', n);
      if (executable(file))
        return file;
    }
  }
  return undefined;
}

/*
 * setting is facet.path (may be empty); extensionDir is where the
 * extension is installed.
 */
export function findServer(setting: string | undefined,
                           extensionDir: string): Found | NotFound {
  const exe = process.platform === 'win32' ? 'facet.exe' : 'facet';
  const bundled = path.join(extensionDir, 'server', exe);

  if (setting && setting.trim() !== '') {
    const file = setting.trim();
    if (executable(file))
      return { path: file, from: 'setting' };
    /* Cleared, the setting gives way to what comes next in the order
     * above: say which that is. */
    return {
      path: undefined,
      why: `facet.path is set to "${file}", which is not an executable ` +
        'file. Correct the setting, or clear it to use ' +
        (fs.existsSync(bundled)
          ? 'the facet bundled with this extension.'
          : 'the facet on PATH (this extension bundles none).'),
    };
  }
  /* An unzip that dropped the mode bits leaves the binary unrunnable. */
  if (fs.existsSync(bundled) && !executable(bundled)) {
    try {
      fs.chmodSync(bundled, 0o755);
    } catch {
      /* reported below as not found, with the other places looked at */
    }
  }
  if (executable(bundled))
    return { path: bundled, from: 'bundled' };
  const found = onPath('facet');
  if (found)
    return { path: found, from: 'PATH' };
  return {
    path: undefined,
    why: 'cannot find the facet language server: it is not in this ' +
      'extension and not on PATH. Build facet (scripts/setup) and put ' +
      'build/server/facet on PATH, or set facet.path to it.',
  };
}
