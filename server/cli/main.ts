/**
 * `callflow <command> …`. Each command lives in `commands/<name>.ts` and
 * exports `run(argv): Promise<number>` (the exit code) and a one-line `summary`.
 */
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number>; summary: string }>> = {
  simulate: () => import('./commands/simulate.js'),
  lint: () => import('./commands/lint.js'),
  call: () => import('./commands/call.js'),
  replay: () => import('./commands/replay.js'),
  admin: () => import('./commands/admin.js'),
  schema: () => import('./commands/schema.js'),
  record: () => import('./commands/record.js'),
  import: () => import('./commands/import.js'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    const lines = await Promise.all(Object.entries(COMMANDS).map(async ([n, l]) => `  ${n.padEnd(10)} ${(await l()).summary}`));
    process.stderr.write(`usage: callflow <command> [options]\n\ncommands:\n${lines.join('\n')}\n`);
    return name && name !== '--help' && name !== 'help' ? 2 : 0;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`callflow: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
