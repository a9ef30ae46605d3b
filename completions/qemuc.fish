# fish completion for qemuc(1); installed as share/fish/vendor_completions.d/qemuc.fish.
# Completes commands, each command's options, the values of options with fixed choices,
# profile files (*.yaml, *.yml) and directories, and after -O/--overlay the overlays that the
# profile on the command line defines, which `qemuc complete-overlays PROFILE` prints.
# tests/completions/ checks that every option of `qemuc help COMMAND` is named here.

set -l commands compile run validate resolve check build graph list qmp-powerdown schema help
set -l layered compile run validate resolve
set -l profiled compile run validate resolve graph list

# The first profile after the command: the first token that is neither an option nor an
# option's value (commandline -opc gives the tokens before the cursor, unquoted).
function __qemuc_profile
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l seen_command 0
    set -l skip 0
    for token in $tokens
        if test $skip = 1
            set skip 0
        else if test "$token" = --
            return 1
        else if contains -- $token -f --format -o --output --depfile -O --overlay -D --define \
                --set --error-format --output-format -j --jobs -C --directory --timeout
            set skip 1
        else if string match -q -- '-*' $token
            continue
        else if test $seen_command = 0
            set seen_command 1
        else
            echo $token
            return 0
        end
    end
    return 1
end

function __qemuc_overlays
    set -l profile (__qemuc_profile); or return
    set -l qemuc (commandline -opc)[1]
    $qemuc complete-overlays $profile 2>/dev/null
end

# Profile files and directories only, as fish completes files (quotes included): fish 3.6's
# __fish_complete_suffix offers every other file after them.
function __qemuc_profiles
    set -l files (complete -C "__fish_command_without_completions "(commandline -ct))
    string match -r -- '^.*(?:\.ya?ml|/)(?:\t.*)?$' $files
end

complete -c qemuc -f
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'show help'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -l version -d 'print the version'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a compile \
    -d 'compile a profile to a launch script, JSON or plain arguments'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a run \
    -d 'compile a profile and replace qemuc with QEMU running it'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a validate \
    -d 'check profiles without compiling them'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a resolve -d 'print the merged profile'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a check \
    -d 'check every profile and output of qemuc.yaml'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a build \
    -d 'write the outputs of qemuc.yaml that are stale or missing'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a graph \
    -d 'print what extends what, as Graphviz DOT'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a list -d 'list profiles'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a qmp-powerdown \
    -d 'stop a VM gracefully over QMP'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a schema \
    -d 'print the JSON Schema of the profile format'
complete -c qemuc -n "not __fish_seen_subcommand_from $commands" -a help -d 'show help for a command'

# Arguments.
complete -c qemuc -n "__fish_seen_subcommand_from $profiled" -k -a '(__qemuc_profiles)'
complete -c qemuc -n "__fish_seen_subcommand_from build qmp-powerdown" -F
complete -c qemuc -n "__fish_seen_subcommand_from help" -a "$commands"

# Options of every command.
complete -c qemuc -n "__fish_seen_subcommand_from $commands" -s h -l help -d 'show this help'
complete -c qemuc -n "__fish_seen_subcommand_from $layered" -s O -l overlay -x \
    -a '(__qemuc_overlays)' -d 'apply an overlay: a name from the profile, or a file'
complete -c qemuc -n "__fish_seen_subcommand_from $layered" -s D -l define -x -d 'set a variable'
complete -c qemuc -n "__fish_seen_subcommand_from compile run resolve" -l set -x -d 'set a value'
complete -c qemuc -n "__fish_seen_subcommand_from $layered check build graph list" \
    -l error-format -x -a 'gcc json' -d 'diagnostics format'
complete -c qemuc -n "__fish_seen_subcommand_from validate check build" -s j -l jobs -x \
    -d 'work on N at once'
complete -c qemuc -n "__fish_seen_subcommand_from validate check" -l no-cache \
    -d 'check every profile; neither read nor write the cache'
complete -c qemuc -n "__fish_seen_subcommand_from validate check" -l cache-stats \
    -d 'say how many profiles the cache answered'
complete -c qemuc -n "__fish_seen_subcommand_from check build graph list" -s C -l directory -x \
    -a '(__fish_complete_directories)' -d 'find qemuc.yaml from DIR upward'

# Options of one command.
complete -c qemuc -n "__fish_seen_subcommand_from compile" -s f -l format -x \
    -a 'shell json args systemd' -d 'output format'
complete -c qemuc -n "__fish_seen_subcommand_from compile" -s o -l output -r -F \
    -d 'write to FILE atomically'
complete -c qemuc -n "__fish_seen_subcommand_from compile" -l no-host-checks \
    -d 'do not look at the machine'
complete -c qemuc -n "__fish_seen_subcommand_from compile build" -l check \
    -d 'write nothing; exit 1 with a diff when stale'
complete -c qemuc -n "__fish_seen_subcommand_from compile build" -l depfile -r -F \
    -d 'write a Make-syntax depfile'
complete -c qemuc -n "__fish_seen_subcommand_from run" -l dry-run -d 'print the argv and run nothing'
complete -c qemuc -n "__fish_seen_subcommand_from resolve" -l output-format -x -a 'yaml json' \
    -d 'output format'
complete -c qemuc -n "__fish_seen_subcommand_from resolve" -l show-origin \
    -d 'show where each value was set'
complete -c qemuc -n "__fish_seen_subcommand_from list" -s f -l format -x -a 'table json' \
    -d 'output format'
complete -c qemuc -n "__fish_seen_subcommand_from qmp-powerdown" -l timeout -x \
    -d 'seconds the whole run may take'
