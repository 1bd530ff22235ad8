// CLI start-up: `fleetops --help` and a pure command against `node -e 0`, the floor any Node CLI pays.
export const id = 'cli'
export const title = 'CLI start-up against node -e 0'
export const needs = []
// Issue 18: --help and a short offline command within 1.8x of node's own start-up.
const GOAL = 1.8

export async function run(ctx) {
  const runs = ctx.quick ? 7 : 15
  const node = await ctx.measure(async () => (await ctx.exec(process.execPath, ['-e', '0'])).ms, runs)
  const help = await ctx.measure(async () => (await ctx.cli(['--help'])).ms, runs)
  const figures = [figure('help', 'fleetops --help wall time', help, node)]
  const probe = await ctx.cli(['hash', 'simulate', '--nodes', '3', '--keys', '1', '--json'])
  if (probe.code === 0) {
    const sim = await ctx.measure(async () => (await ctx.cli(['hash', 'simulate', '--nodes', '3', '--keys', '1', '--json'])).ms, runs)
    figures.push(figure('hash-simulate', 'fleetops hash simulate --nodes 3 --keys 1 wall time', sim, node))
  }
  return figures
}

function figure(id, label, ours, anchor) {
  const ratio = ours.median / anchor.median
  return {id, label, unit: 'ms', ours, anchor, ratio, goal: `≤ ${GOAL}`, met: ratio <= GOAL, notes: 'anchor: node -e 0'}
}
