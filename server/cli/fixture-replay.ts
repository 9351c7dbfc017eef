/** Replays a recorded fixture folder through the server in-process (filled in once the server lands). */
export async function runFixture(_dir: string, _opts: { update: boolean; json: boolean }): Promise<number> {
  process.stderr.write('simulate --fixture: not available yet\n');
  return 1;
}
