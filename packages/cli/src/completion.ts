import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GLOBAL_OPTIONS, type OptionSpecs } from './args.js';
import type { Command } from './command.js';
import { UsageError } from './errors.js';
import { SCHEME } from './locations.js';
import { openStore, storeUrl } from './store.js';

/** The shells `stowage completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** The hidden command the scripts call: `stowage __complete --line "stowage cp ./a stow://ph"`. */
export const COMPLETE_COMMAND = '__complete';

// Each script hands the command line up to the cursor to `stowage __complete`, which prints one
// candidate per line (the whole word). Nothing printed means "complete a local path": the shell's
// own file completion takes over. A candidate ending in `/` (a bucket, a folder) takes no space
// after it, so the user can go on into it.

// bash splits words at `:` (COMP_WORDBREAKS), so `stow://ph` is three words to it; the script takes
// the current word from the line itself and gives back only the part after the last `:` or `=`.
const BASH = `# stowage completion for bash: eval "$(stowage completion bash)" in ~/.bashrc
_stowage_complete() {
  local line=\${COMP_LINE:0:COMP_POINT}
  local cur=\${line##*[[:space:]]}
  local strip=\${cur%"\${cur##*[:=]}"}
  local candidates c
  mapfile -t candidates < <(stowage ${COMPLETE_COMMAND} --line "$line" 2>/dev/null)
  COMPREPLY=()
  for c in "\${candidates[@]}"; do
    [[ -n $c ]] && COMPREPLY+=("\${c#"$strip"}")
  done
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == */ ]]; then
    compopt -o nospace 2>/dev/null
  fi
  return 0
}
complete -o default -o bashdefault -F _stowage_complete stowage
`;

const ZSH = `#compdef stowage
# stowage completion for zsh: eval "$(stowage completion zsh)" in ~/.zshrc (after compinit)
_stowage() {
  local line="\${(j: :)words[1,CURRENT-1]} \${PREFIX}"
  local -a candidates folders others
  candidates=("\${(@f)$(stowage ${COMPLETE_COMMAND} --line "$line" 2>/dev/null)}")
  candidates=(\${candidates:#})
  if (( \${#candidates} == 0 )); then
    _files
    return
  fi
  folders=(\${(M)candidates:#*/})
  others=(\${candidates:#*/})
  (( \${#folders} )) && compadd -Q -S '' -- "\${folders[@]}"
  (( \${#others} )) && compadd -Q -- "\${others[@]}"
}
compdef _stowage stowage
`;

const FISH = `# stowage completion for fish: stowage completion fish > ~/.config/fish/completions/stowage.fish
function __stowage_complete
    stowage ${COMPLETE_COMMAND} --line (commandline -cp) 2>/dev/null
end
complete -c stowage -a '(__stowage_complete)'
`;

/** The completion script for `shell`. */
export function completionScript(shell: string): string {
  switch (shell) {
    case 'bash':
      return BASH;
    case 'zsh':
      return ZSH;
    case 'fish':
      return FISH;
    default:
      throw new UsageError(`completion takes one of ${SHELLS.join(', ')}, not ${JSON.stringify(shell)}`);
  }
}

/** Splits a command line as the shell would for completion: on blanks, the last word possibly empty. */
function words(line: string): string[] {
  const parts = line.split(/[ \t]+/);
  if (parts[0] === '') parts.shift();
  return parts.length === 0 ? [''] : parts;
}

function optionNames(specs: OptionSpecs): string[] {
  return Object.entries(specs).flatMap(([name, spec]) => [`--${name}`, ...(spec.short !== undefined ? [`-${spec.short}`] : [])]);
}

// The value choices of options that have a fixed set; other string options take free text or a path.
const OPTION_VALUES: Record<string, string[]> = { method: ['GET', 'PUT'] };

/** The environment and directory completion runs in (the process's, or a test's). */
export interface CompletionEnv {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * The candidates for the last word of `line` (the command line up to the cursor, `stowage` first):
 * command names, option names, the values of options with a fixed set, and `stow://` buckets and
 * keys from the store the line names. Never fails: a store it cannot reach gives no candidates.
 */
export async function complete(line: string, commands: readonly Command[], at: CompletionEnv): Promise<string[]> {
  const all = words(line).slice(1); // the program's own name goes
  const current = all.pop() ?? '';
  const specsOf = (command: Command | undefined): OptionSpecs => ({ ...(command?.options ?? {}), ...GLOBAL_OPTIONS });
  // Walk the words before the cursor: the command, the positionals, the value an option waits for.
  let command: Command | undefined;
  let commandName: string | undefined;
  let positionals = 0;
  let waiting: string | undefined;
  let store: string | undefined;
  for (const word of all) {
    if (waiting !== undefined) {
      if (waiting === 'store') store = word;
      waiting = undefined;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const specs = specsOf(command);
      const name = word.startsWith('--') ? word.slice(2).split('=')[0] : Object.keys(specs).find((k) => specs[k]?.short === word.slice(1));
      if (name === undefined || specs[name]?.type !== 'string') continue;
      const eq = word.indexOf('=');
      if (eq === -1) waiting = name;
      else if (name === 'store') store = word.slice(eq + 1);
      continue;
    }
    if (commandName === undefined) {
      commandName = word;
      command = commands.find((c) => c.name === word);
    } else positionals++;
  }
  const starting = (candidates: readonly string[]) => candidates.filter((c) => c.startsWith(current));
  if (waiting !== undefined) return starting(OPTION_VALUES[waiting] ?? []);
  if (current.startsWith('-')) return starting(optionNames(specsOf(command)).filter((n) => n.startsWith('--') || current.length <= 2));
  if (commandName === undefined) return starting([...commands.map((c) => c.name), 'help']);
  if (commandName === 'help') return positionals === 0 ? starting(commands.map((c) => c.name)) : [];
  if (commandName === 'completion') return positionals === 0 ? starting(SHELLS) : [];
  if (command === undefined || current === '') return [];
  if (current.startsWith(SCHEME)) return locations(current, store, at);
  // A first letter or two of `stow://`: offer the buckets, so `s<Tab>` gets to them.
  if (SCHEME.startsWith(current)) return locations(SCHEME, store, at);
  return [];
}

/** Buckets (`stow://photos/`), or the folders and objects under a prefix (`stow://photos/2024/`). */
async function locations(current: string, storeFlag: string | undefined, at: CompletionEnv): Promise<string[]> {
  let url: string;
  try {
    url = storeUrl(storeFlag, at.env, at.cwd);
  } catch {
    return [];
  }
  // Completion must not make the default store's folder (or any local store) where there is none.
  if (url.startsWith('file:') && !existsSync(fileURLToPath(url.split('?')[0] as string))) return [];
  const signal = AbortSignal.timeout(3000);
  try {
    const storage = await openStore(url);
    const rest = current.slice(SCHEME.length);
    const slash = rest.indexOf('/');
    if (slash === -1) {
      const buckets = await storage.listBuckets({ signal });
      return buckets.map((b) => `${SCHEME}${b.name}/`).filter((c) => c.startsWith(current));
    }
    const bucket = rest.slice(0, slash);
    const prefix = rest.slice(slash + 1);
    const out: string[] = [];
    for await (const entry of storage.listObjects(bucket, { ...(prefix !== '' ? { prefix } : {}), delimiter: '/', signal })) {
      out.push(`${SCHEME}${bucket}/${entry.type === 'prefix' ? entry.prefix : entry.key}`);
      if (out.length >= 1000) break; // enough for a menu; the user types more to narrow it
    }
    return out;
  } catch {
    return [];
  }
}
