// The entry bin/run.js loads. It re-exports oclif's runner so that the bundle (scripts/bundle.mjs)
// shares one copy of @oclif/core between the runner and the commands.
export {execute} from '@oclif/core/execute'
export {settings} from '@oclif/core/settings'
