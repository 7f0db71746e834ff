// The shell side of completion. Each script hands the words typed so far to `meshdeck __complete`, which
// knows the command tree, and offers what comes back. ":file" asks the shell for path completion.

export const SCRIPTS: Record<'bash' | 'zsh' | 'fish', string> = {
  bash: `# meshdeck bash completion: source <(meshdeck completion bash)
_meshdeck() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local out
  out=$(meshdeck __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null | cut -f1)
  if [[ "$out" == ":file" ]]; then
    COMPREPLY=( $(compgen -f -- "$cur") )
    return 0
  fi
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$out" -- "$cur") )
}
complete -o default -F _meshdeck meshdeck
`,
  zsh: `#compdef meshdeck
# meshdeck zsh completion: source <(meshdeck completion zsh), after compinit
_meshdeck() {
  local out
  out=$(meshdeck __complete "\${(@)words[2,CURRENT]}" 2>/dev/null | cut -f1)
  if [[ "$out" == ":file" ]]; then
    _files
    return
  fi
  local -a candidates
  candidates=("\${(@f)out}")
  compadd -- "\${candidates[@]}"
}
if (( $+functions[compdef] )); then
  compdef _meshdeck meshdeck
fi
`,
  fish: `# meshdeck fish completion: meshdeck completion fish > ~/.config/fish/completions/meshdeck.fish
function __meshdeck_complete
    set -l tokens (commandline -opc) (commandline -ct)
    set -e tokens[1]
    set -l out (meshdeck __complete $tokens 2>/dev/null)
    if test "$out" = ":file"
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\\n' $out
end
complete -c meshdeck -f -a '(__meshdeck_complete)'
`,
};
