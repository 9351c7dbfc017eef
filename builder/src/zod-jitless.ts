/**
 * zod 4 compiles fast object parsers with `new Function` and probes for it once.
 * The builder's Content-Security-Policy has no 'unsafe-eval', so the probe is
 * refused (a `securitypolicyviolation` report on every load) and zod falls back
 * anyway. Saying so up front skips the probe. Imported first by main.tsx: zod
 * reads the setting when each schema is defined.
 */
import { config } from 'zod';

config({ jitless: true });
