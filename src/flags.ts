import * as Flags from '@oclif/core/flags'

/** Flag builders shared by several commands. */

export const sandboxNameFlag = Flags.string({
  description: 'Sandbox name, so several sandboxes can coexist.',
  default: 'default',
  env: 'FLEETOPS_SANDBOX',
})

export const executeFlag = Flags.boolean({
  description: 'Really change the cluster. Without it the command only shows its plan.',
  default: false,
})
