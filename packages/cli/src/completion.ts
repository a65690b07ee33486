import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GLOBAL_OPTIONS, type OptionSpecs } from './args.js';
import type { Command } from './command.js';
import { UsageError } from './errors.js';
import { configPath, loadStores } from './config.js';
import { DEFAULT_STORE, type Location, type ObjectLocation, SCHEME, type StoreRef, formatIn, parseLocation } from './locations.js';
import { openStore, s3Url, storeUrl } from './store.js';

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
  // The values of the options that say where locations are (--store, --endpoint-url, --profile, --region).
  const given: Record<string, string> = {};
  for (const word of all) {
    if (waiting !== undefined) {
      given[waiting] = word;
      waiting = undefined;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const specs = specsOf(command);
      const name = word.startsWith('--') ? word.slice(2).split('=')[0] : Object.keys(specs).find((k) => specs[k]?.short === word.slice(1));
      if (name === undefined || specs[name]?.type !== 'string') continue;
      const eq = word.indexOf('=');
      if (eq === -1) waiting = name;
      else given[name] = word.slice(eq + 1);
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
  let location: Location;
  try {
    // `stow://` alone is no location to a command, but here it is the top of the store.
    location = current === SCHEME ? { kind: 'object', store: DEFAULT_STORE, bucket: '', key: '' } : parseLocation(current);
  } catch {
    return [];
  }
  if (location.kind === 'object') return locations(location, current, given, at);
  // The first letters of `stow://` or of a store's name: offer the buckets, and the names (`backup:`).
  const names = await storeNames(at).catch(() => []);
  const out = names.map((n) => `${n}:`).filter((c) => c.startsWith(current));
  if (SCHEME.startsWith(current))
    out.push(...(await locations({ kind: 'object', store: DEFAULT_STORE, bucket: '', key: '' }, SCHEME, given, at)));
  return out;
}

async function storeNames(at: CompletionEnv): Promise<string[]> {
  return [...(await loadStores(configPath(at.env, at.cwd))).keys()];
}

/** The URL (and profile) of the store a location is in, as the command would open it. */
async function storeOf(
  store: StoreRef,
  given: Record<string, string>,
  at: CompletionEnv,
): Promise<{ url: string; profile?: string } | undefined> {
  switch (store.kind) {
    case 'default':
      return { url: storeUrl(given.store, at.env, at.cwd) };
    case 's3':
      return { url: s3Url({ endpointUrl: given['endpoint-url'], region: given.region }) };
    case 'named':
      return (await loadStores(configPath(at.env, at.cwd))).get(store.name);
  }
}

/** Buckets (`stow://photos/`), or the folders and objects under a prefix (`s3://photos/2024/`). */
async function locations(location: ObjectLocation, current: string, given: Record<string, string>, at: CompletionEnv): Promise<string[]> {
  const signal = AbortSignal.timeout(3000);
  try {
    const found = await storeOf(location.store, given, at);
    if (found === undefined) return [];
    // Completion must not make the default store's folder (or any local store) where there is none.
    if (found.url.startsWith('file:') && !existsSync(fileURLToPath(found.url.split('?')[0] as string))) return [];
    const storage = await openStore(found.url, { profile: found.profile ?? given.profile });
    if (!current.slice(formatIn(location.store, '').length).includes('/')) {
      const buckets = await storage.listBuckets({ signal });
      return buckets.map((b) => `${formatIn(location.store, b.name)}/`).filter((c) => c.startsWith(current));
    }
    const { bucket, key: prefix } = location;
    const out: string[] = [];
    for await (const entry of storage.listObjects(bucket, { ...(prefix !== '' ? { prefix } : {}), delimiter: '/', signal })) {
      out.push(formatIn(location.store, bucket, entry.type === 'prefix' ? entry.prefix : entry.key));
      if (out.length >= 1000) break; // enough for a menu; the user types more to narrow it
    }
    return out;
  } catch {
    return [];
  }
}
