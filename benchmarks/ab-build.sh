# Sourced by the A/B benchmark scripts (ingest-ab.sh, table-digests.sh): builds the CLI at two commits side by side.
# Needs $here (the repository), $work (a scratch folder), $before and $after (commits). Leaves $work/a and $work/b
# (detached worktrees; the caller's cleanup removes them) and $work/a-bin, $work/b-bin (the built CLIs).
ab_build() {
  local side commit
  for side in a b; do
    commit=$([ $side = a ] && echo "$before" || echo "$after")
    git -C "$here" worktree add --detach "$work/$side" "$commit" > /dev/null 2>&1
    dotnet build "$work/$side/src/Harrier.Cli" -c Release -o "$work/$side-bin" > "$work/$side-build.log" 2>&1 \
      || { tail -20 "$work/$side-build.log"; return 1; }
  done
}
