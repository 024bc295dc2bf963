# Sourced by the benchmark scripts (chain-large.sh, persons-scale.sh): runs a step under /usr/bin/time -v and prints
# one Markdown row: name, wall, user+sys CPU, peak RSS, load average before → after. Needs $work (a scratch folder);
# the step's stdout and stderr are kept there as "$work/NAME.out" and "$work/NAME.err".
field() { sed -n "s/.*$2: //p" "$1"; }
timed() { # NAME COMMAND...
  local name=$1; shift
  local before after
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || { cat "$work/$name.err" >&2; return 1; }
  after=$(cut -d' ' -f1-3 /proc/loadavg)
  local user sys cpu
  user=$(field "$work/$name.time" "User time (seconds)"); sys=$(field "$work/$name.time" "System time (seconds)")
  cpu=$(echo "$user + $sys" | bc -l)
  printf '| `%s` | %s | %s | %s MiB | %s → %s |\n' "$name" "$(field "$work/$name.time" "Elapsed (wall clock) time (h:mm:ss or m:ss)")" \
    "$cpu" "$(( $(field "$work/$name.time" "Maximum resident set size (kbytes)") / 1024 ))" "$before" "$after"
}
