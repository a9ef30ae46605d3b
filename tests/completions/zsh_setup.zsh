# Sourced by zsh_capture.zsh in the interactive zsh: prints what each compadd offers.
PROMPT=
autoload -U compinit
compinit -u -D
zstyle ':completion:*' insert-tab false
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __hits
  builtin compadd -O __hits "$@"
  (( $#__hits )) && print -rn -- "<<${(pj:\x1f:)__hits}>>"
  builtin compadd "$@"
}
capture_end() { print -rn -- "@@END@@"; exit }
comppostfuncs=(capture_end)
bindkey '^I' complete-word
print -rn -- "@@READY@@"
