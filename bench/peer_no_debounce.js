// Preloaded into yaml-language-server by bench/lspbench.py (node -r) for
// the "debounce 0" runs. The server waits validationDelayMs (200 ms, not
// a setting) after each change before it validates; this sets the wait to
// 0 so that the benchmark can also report the server's own work, apart
// from that deliberate pause. Nothing else changes.
'use strict';
const settings = require('yaml-language-server/out/server/src/yamlSettings');
const Shipped = settings.SettingsState;

settings.SettingsState = class extends Shipped {
  constructor() {
    super();
    this.validationDelayMs = 0;
  }
};
