# zsh_capture.zsh FPATH_DIR LINE: the matches zsh's completion offers at a TAB after LINE, one
# group a line as <<match\x1fmatch...>>, from an interactive zsh -f on a pseudo-terminal
# (zsh/zpty) with compinit and FPATH_DIR first in $fpath. Each compadd call is captured
# (compadd -O) before it adds its matches; the completion ends the shell.
zmodload zsh/zpty || exit 77
local setup=${0:A:h}/zsh_setup.zsh
zpty capture zsh -f -i
zpty -w capture "fpath=(${(q)1} \$fpath); source ${(q)setup}"
integer start=$SECONDS
local out chunk
until [[ $out == *@@READY@@* ]] || (( SECONDS - start > 10 )); do
  zpty -r -t capture chunk && out+=$chunk || sleep 0.02
done
zpty -w -n capture "$2"$'\t'
out=
until [[ $out == *@@END@@* ]] || (( SECONDS - start > 20 )); do
  zpty -r -t capture chunk && out+=$chunk || sleep 0.02
done
zpty -d capture
[[ $out == *@@END@@* ]] || { print -u2 "no completion within 20 s"; exit 1 }
print -r -- "${out//$'\r'/}" | grep -ao '<<[^>]*>>'
exit 0
