export const summary = 'check flows for problems (placeholder)';
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('lint: not built yet\n');
  return 1;
}
