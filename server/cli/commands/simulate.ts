export const summary = 'run a flow offline and print each step (placeholder)';
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('simulate: not built yet\n');
  return 1;
}
