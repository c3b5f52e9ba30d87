import type { Command, Option } from "commander";
import { clientAction } from "./command.js";
import { UsageError } from "./failure.js";

/**
 * Shell completion scripts, generated from the command tree itself so they can
 * never fall out of step with the commands. Each script holds four lookup
 * tables keyed by the command path ("" for the top, "api-keys list", ...):
 * subcommands, options, options that take a value, and the choices of a value.
 */
interface Node {
  path: string;
  commands: { name: string; description: string }[];
  options: { flags: string[]; description: string; takesValue: boolean; choices: string[] }[];
}

function optionInfo(option: Option) {
  const flags = [option.long, option.short].filter((flag): flag is string => flag !== undefined);
  return { flags, description: option.description, takesValue: option.required || option.optional, choices: option.argChoices ?? [] };
}

/** Flattens the tree: one node per command, with the options of its ancestors that apply to it. */
function collect(command: Command, path: string, inherited: Node["options"], nodes: Node[]): void {
  const own = command.options.filter((option) => !option.hidden).map(optionInfo);
  // Options of the top-level command are global: they apply at every level.
  const options = [...inherited, ...own, { flags: ["--help", "-h"], description: "show help", takesValue: false, choices: [] }];
  const visible = command.commands.filter((child) => child.name() !== "help");
  nodes.push({ path, commands: visible.map((child) => ({ name: child.name(), description: child.description() })), options });
  const globals = path === "" ? own.filter((option) => !option.flags.includes("--version")) : inherited;
  for (const child of visible) collect(child, path === "" ? child.name() : `${path} ${child.name()}`, globals, nodes);
}

function nodesOf(program: Command): Node[] {
  const nodes: Node[] = [];
  collect(program, "", [], nodes);
  return nodes;
}

const shellWord = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** A shell `case` over command paths, each arm echoing words. */
function caseTable(name: string, arms: [string, string[]][]): string {
  const lines = arms
    .filter(([, words]) => words.length > 0)
    .map(([key, words]) => `    ${shellWord(key)}) printf '%s\\n' ${words.map(shellWord).join(" ")} ;;`);
  return [`_keyhouse_${name}() {`, `  case "$1" in`, ...lines, "  esac", "}"].join("\n");
}

function tables(nodes: Node[], describe: boolean): string {
  const label = (word: string, description: string) => (describe ? `${word.replaceAll(":", "\\:")}:${description}` : word);
  const commands = caseTable(
    "commands",
    nodes.map((n) => [n.path, n.commands.map((c) => label(c.name, c.description))]),
  );
  const options = caseTable(
    "options",
    nodes.map((n) => [n.path, n.options.flatMap((o) => o.flags.map((flag) => label(flag, o.description)))]),
  );
  const valued = caseTable(
    "valued",
    nodes.map((n) => [n.path, n.options.filter((o) => o.takesValue).flatMap((o) => o.flags)]),
  );
  const choices = caseTable(
    "choices",
    nodes.flatMap((n) =>
      n.options
        .filter((o) => o.choices.length > 0)
        .flatMap((o) => o.flags.map((flag): [string, string[]] => [`${n.path}|${flag}`, o.choices])),
    ),
  );
  return [commands, options, valued, choices].join("\n\n");
}

// The walk over the words typed so far: words that name a subcommand extend the
// path, options are skipped together with their value. Shared by both shells.
// (zsh reserves $path, hence $kh_path.)
const WALK = `  local kh_path="" skip=0 w
  for w in "\${typed[@]}"; do
    if (( skip )); then skip=0; continue; fi
    case "$w" in
      -*) _keyhouse_valued "$kh_path" | grep -qxF -- "$w" && skip=1; continue ;;
    esac
    _keyhouse_commands "$kh_path" | cut -d: -f1 | grep -qxF -- "$w" && kh_path="\${kh_path:+$kh_path }$w"
  done`;

function bashScript(nodes: Node[]): string {
  return `# bash completion for keyhouse. Load it with:  source <(keyhouse completion bash)
${tables(nodes, false)}

_keyhouse() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local typed=("\${COMP_WORDS[@]:1:COMP_CWORD-1}")
${WALK}
  if (( skip )); then
    COMPREPLY=( $(compgen -W "$(_keyhouse_choices "$kh_path|$prev")" -- "$cur") )
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(_keyhouse_options "$kh_path")" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$(_keyhouse_commands "$kh_path")" -- "$cur") )
  fi
}
complete -F _keyhouse keyhouse
`;
}

function zshScript(nodes: Node[]): string {
  return `#compdef keyhouse
# zsh completion for keyhouse. Load it with:  source <(keyhouse completion zsh)
# or save it as _keyhouse in a directory on $fpath.
${tables(nodes, true)}

_keyhouse() {
  local -a typed described
  typed=("\${(@)words[2,CURRENT-1]}")
${WALK}
  if (( skip )); then
    local -a values
    values=("\${(@f)$(_keyhouse_choices "$kh_path|\${words[CURRENT-1]}")}")
    (( \${#values} )) && [[ -n "\${values[1]}" ]] && compadd -- "\${values[@]}"
  elif [[ "\${words[CURRENT]}" == -* ]]; then
    described=("\${(@f)$(_keyhouse_options "$kh_path")}")
    _describe -t options 'option' described
  else
    described=("\${(@f)$(_keyhouse_commands "$kh_path")}")
    _describe -t commands 'command' described
  fi
}
if [[ "\${funcstack[1]}" == _keyhouse ]]; then _keyhouse "$@"; else compdef _keyhouse keyhouse; fi
`;
}

/** `keyhouse completion bash|zsh`: prints the script for the current command tree. */
export function registerCompletionCommand(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script: source <(keyhouse completion bash)")
    .argument("<shell>", "bash or zsh")
    .action(
      clientAction(async (_ctx, [shell = ""]) => {
        if (shell !== "bash" && shell !== "zsh") throw new UsageError(`completion is available for bash and zsh, not "${shell}"`);
        process.stdout.write(shell === "bash" ? bashScript(nodesOf(program)) : zshScript(nodesOf(program)));
      }),
    );
}
