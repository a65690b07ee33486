import type { Command } from '../command.js';
import { completionScript } from '../completion.js';

/** `completion`: the shell script that completes `stowage` command lines. */
export const completion: Command = {
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh or fish)',
  usage: ['completion bash|zsh|fish'],
  description:
    'Prints a script that makes the shell complete stowage command lines: commands, options, and stow:// buckets ' +
    'and keys from the store the line names (--store, else $STOWAGE_STORE, else ./.stowage-store when it exists). ' +
    'Local paths complete as files do.',
  options: {},
  examples: [
    ['bash, in ~/.bashrc', 'eval "$(stowage completion bash)"'],
    ['zsh, in ~/.zshrc after compinit', 'eval "$(stowage completion zsh)"'],
    ['fish', 'stowage completion fish > ~/.config/fish/completions/stowage.fish'],
  ],
  arity: { min: 1, max: 1 },
  async run(ctx, args) {
    await ctx.out.write(completionScript(args.positionals[0] as string));
  },
};
