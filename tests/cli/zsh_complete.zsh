#!/usr/bin/env zsh
# Types a command line and Tab into an interactive zsh (in a pseudo-terminal,
# with the completions in DIR on $fpath) and waits up to 5 s for WORD to show.
# Usage: zsh -f zsh_complete.zsh DIR 'asyncfetch fetch --conc' WORD
zmodload zsh/zpty
setopt extendedglob
IFS=$' \t\r\n'
dir=$1 line=$2 word=$3
zpty shell 'zsh -f -i'
zpty -w shell "PS1='>'; fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w -n shell "$line"$'\t'
local screen= chunk
for i in {1..50}; do
    while zpty -r -t shell chunk; do screen+=$chunk; done
    # The words since the last prompt (the line as Tab left it, and what it
    # listed), terminal escapes, backspaced characters and bells taken out.
    region=${${screen##*>}//$'\e'\[[0-9;?]#[a-zA-Z]/}
    region=${${region//?$'\b'/}//[^[:print:][:space:]]/}
    (( ${${=region}[(Ie)$word]} )) && { zpty -d shell; exit 0 }
    sleep 0.1
done
zpty -d shell
print -r -- "zsh did not offer '$word' for '$line'; the terminal showed:"
print -r -- "${screen//[^[:print:]$'\n']/}"
exit 1
