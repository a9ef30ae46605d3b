# bash completion for qemuc(1); installed as share/bash-completion/completions/qemuc.
# Completes commands, each command's options, the values of options with fixed choices,
# profile files (*.yaml, *.yml) and directories, and after -O/--overlay the overlays that the
# profile on the command line defines, which `qemuc complete-overlays PROFILE` prints.
# tests/completions/ checks that every option of `qemuc help COMMAND` is offered here.

_qemuc_commands="compile run validate resolve check build graph list qmp-powerdown schema help"

# Sets COMPREPLY to the words of $1 that start with $cur (the words are fixed text of this
# file: compgen -W expands them).
_qemuc_choose() {
  mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# The options of each command, as `qemuc help COMMAND` lists them.
_qemuc_options() {
  local layers="-O --overlay -D --define --error-format"
  case $1 in
    compile) echo "-f --format -o --output --no-host-checks --check --depfile $layers --set" ;;
    run) echo "--dry-run $layers --set" ;;
    validate) echo "-j --jobs $layers --no-cache --cache-stats" ;;
    resolve) echo "--output-format --show-origin $layers --set" ;;
    check) echo "-j --jobs -C --directory --error-format --no-cache --cache-stats" ;;
    build) echo "--check --depfile -j --jobs -C --directory --error-format" ;;
    graph) echo "-C --directory --error-format" ;;
    list) echo "-f --format -C --directory --error-format" ;;
    qmp-powerdown) echo "--timeout" ;;
  esac
  echo "-h --help"
}

# A word as typed, its quotes and backslashes removed, never evaluated: completing must not run
# a $(...) that the line holds (bash-completion's dequote evaluates its argument).
_qemuc_dequote() {
  local word=$1 out="" quote="" c i
  for ((i = 0; i < ${#word}; i++)); do
    c=${word:i:1}
    if [[ $quote == "'" ]]; then
      [[ $c == "'" ]] && quote="" || out+=$c
    elif [[ $c == \\ && $quote != '"' ]] || [[ $c == \\ && ${word:i+1:1} == [\"\\\$\`] ]]; then
      out+=${word:i+1:1}
      ((i++))
    elif [[ $c == '"' ]]; then
      [[ $quote == '"' ]] && quote="" || quote='"'
    elif [[ $c == "'" && -z $quote ]]; then
      quote="'"
    else
      out+=$c
    fi
  done
  printf '%s\n' "$out"
}

# Sets COMPREPLY to the files that start with $cur: $1 is "profiles" (*.yaml, *.yml and
# directories), "dirs" or "all". Not bash-completion's _filedir: with bash 5.2, its 2.11 finds
# nothing after an escaped space ("my\ b"). compopt -o filenames has bash quote what it inserts.
_qemuc_files() {
  local word name
  word=$(_qemuc_dequote "$cur")
  compopt -o filenames 2>/dev/null
  COMPREPLY=()
  while IFS= read -r name; do
    if [[ $1 == profiles && ! -d $name && $name != *.yaml && $name != *.yml ]]; then
      continue
    fi
    COMPREPLY+=("$name")
  done < <(if [[ $1 == dirs ]]; then compgen -d -- "$word"; else compgen -f -- "$word"; fi)
}

# Whether option $1 of command $2 takes a value (the next word, when not written with "=").
_qemuc_takes_value() {
  case $1 in
    -f | --format | -o | --output | --depfile | -O | --overlay | -D | --define | --set | \
      --error-format | --output-format | -j | --jobs | -C | --directory | --timeout)
      return 0 ;;
  esac
  return 1
}

# The first profile on the command line after the command (word $1), dequoted, or nothing.
_qemuc_profile_word() {
  local i word
  for ((i = $1 + 1; i < cword; i++)); do
    word=${words[i]}
    [[ $word == -- ]] && return
    if [[ $word == -* ]]; then
      [[ $word != *=* ]] && _qemuc_takes_value "$word" && ((i++))
      continue
    fi
    _qemuc_dequote "$word"
    return
  done
}

# The names come from a profile, so they are matched here, not given to compgen -W, which would
# expand a name like $(...).
_qemuc_overlays() {
  local qemuc=$1 command_index=$2 profile name
  profile=$(_qemuc_profile_word "$command_index")
  [[ -n $profile ]] || return
  COMPREPLY=()
  while IFS= read -r name; do
    [[ $name == "$cur"* ]] && COMPREPLY+=("$name")
  done < <("$qemuc" complete-overlays "$profile" 2>/dev/null)
}

# The value of option $prev of command $command; 1 when $prev takes no value.
_qemuc_value() {
  case $prev in
    -f | --format)
      if [[ $command == list ]]; then
        _qemuc_choose "table json"
      else
        _qemuc_choose "shell json args systemd"
      fi ;;
    --error-format) _qemuc_choose "gcc json" ;;
    --output-format) _qemuc_choose "yaml json" ;;
    -C | --directory) _qemuc_files dirs ;;
    -o | --output | --depfile) _qemuc_files all ;;
    -O | --overlay)
      if [[ $cur == */* ]]; then _qemuc_files profiles; else _qemuc_overlays "$1" "$command_index"; fi ;;
    -D | --define | --set | -j | --jobs | --timeout) ;;
    *) return 1 ;;
  esac
  return 0
}

_qemuc() {
  # shellcheck disable=SC2034 # split: set by _init_completion -s (--format=json)
  local cur prev words cword split
  if declare -F _init_completion >/dev/null; then
    _init_completion -s || return
  else
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi

  # The command is the first word after qemuc that is not an option.
  local command="" command_index=0 i
  for ((i = 1; i < cword; i++)); do
    if [[ ${words[i]} != -* ]]; then
      command=${words[i]} command_index=$i
      break
    fi
  done
  if [[ -z $command ]]; then
    if [[ $cur == -* ]]; then
      _qemuc_choose "--help --version"
    else
      _qemuc_choose "$_qemuc_commands"
    fi
    return
  fi

  # After "--": kernel arguments (compile, run) or more profiles (validate).
  for ((i = command_index + 1; i < cword; i++)); do
    if [[ ${words[i]} == -- ]]; then
      [[ $command == validate ]] && _qemuc_files profiles
      return
    fi
  done

  _qemuc_value "$1" && return
  if [[ $cur == -* ]]; then
    _qemuc_choose "$(_qemuc_options "$command")"
    return
  fi
  case $command in
    compile | run | validate | resolve | graph | list) _qemuc_files profiles ;;
    build | qmp-powerdown) _qemuc_files all ;;
    help) _qemuc_choose "$_qemuc_commands" ;;
  esac
}
complete -F _qemuc qemuc
