# Sourced by video-dihedral.sh and video-hypotheses.sh: renders the 16 sources of the video hypothesis benchmarks into
# "$work/src" (kept between runs): 6 lavfi generators and 10 slideshows of 5 photos of data/photos with pans and zooms,
# $LEN seconds at 640x360, 30 fps, x264 veryfast crf 20 (the bank's copy). Needs $here, $work, $LEN and $FF.
# VIDEO_SOURCE_SET=2 renders 16 others, for a held-out check of rules made on the first set: the older testsrc pattern,
# other seeds and rules for the generators, another Mandelbrot zoom, and the slideshows from the next 5 photos of each
# group (use its own data folder). VIDEO_SOURCE_SET=3, a second held-out set (made after rules had been looked at on
# set 2): mptestsrc's patterns, a third Mandelbrot zoom, other seeds and rules again, and slideshows of photos 12-16 of
# four clothing groups the other sets do not use, of pants and of the five flower groups.
master() { # master NAME INPUT_ARGS...
  local name=$1; shift
  [ -f "$work/src/$name.mp4" ] && return
  $FF "$@" -vf "fps=30,scale=640:360,setsar=1,format=yuv420p" -t "$LEN" -c:v libx264 -preset veryfast -crf 20 "$work/src/$name.mp4"
}
lavfi() { master "$1" -f lavfi -i "$2"; }
groups="clothing-cc0/dress clothing-cc0/hat clothing-cc0/pants clothing-cc0/shoes clothing-cc0/t-shirt flowers-ccby/daisy flowers-ccby/dandelion
  flowers-ccby/roses flowers-ccby/sunflowers flowers-ccby/tulips"
if [ "${VIDEO_SOURCE_SET:-1}" = 3 ]; then
  lavfi mptest "mptestsrc=rate=30:test=all,scale=640:360"
  lavfi mandelbrot "mandelbrot=size=640x360:rate=30:maxiter=384:start_x=-1.25066:start_y=0.02012:start_scale=1.5:end_scale=0.005"
  lavfi life "life=size=320x180:rate=30:mold=5:ratio=0.5:seed=33:death_color=#101010:life_color=#e06080,scale=640:360:flags=neighbor"
  lavfi cellauto "cellauto=size=320x180:rate=30:rule=90:seed=29:scroll=1,scale=640:360:flags=neighbor"
  lavfi carpet "sierpinski=size=640x360:rate=30:type=carpet:seed=41:jump=120"
  lavfi triangle "sierpinski=size=640x360:rate=30:type=triangle:seed=57"
  groups="clothing-cc0/outwear clothing-cc0/longsleeve clothing-cc0/shorts clothing-cc0/shirt clothing-cc0/pants flowers-ccby/daisy
    flowers-ccby/dandelion flowers-ccby/roses flowers-ccby/sunflowers flowers-ccby/tulips"
  first=12
elif [ "${VIDEO_SOURCE_SET:-1}" = 2 ]; then
  lavfi testsrc "testsrc=size=640x360:rate=30"
  lavfi mandelbrot "mandelbrot=size=640x360:rate=30:maxiter=512:start_x=-0.7453:start_y=0.1127:start_scale=2:end_scale=0.01"
  lavfi life "life=size=320x180:rate=30:mold=25:ratio=0.35:seed=21:death_color=#402010:life_color=#40e0a0,scale=640:360:flags=neighbor"
  lavfi cellauto "cellauto=size=320x180:rate=30:rule=110:seed=17:scroll=1,scale=640:360:flags=neighbor"
  lavfi carpet "sierpinski=size=640x360:rate=30:type=carpet:seed=14:jump=80"
  lavfi triangle "sierpinski=size=640x360:rate=30:type=triangle:seed=23"
  first=7
else
  lavfi testsrc2 "testsrc2=size=640x360:rate=30"
  lavfi mandelbrot "mandelbrot=size=640x360:rate=30:maxiter=512"
  lavfi life "life=size=320x180:rate=30:mold=10:ratio=0.2:seed=7:death_color=#203080:life_color=#f0c040,scale=640:360:flags=neighbor"
  lavfi cellauto "cellauto=size=320x180:rate=30:rule=30:seed=3:scroll=1,scale=640:360:flags=neighbor"
  lavfi carpet "sierpinski=size=640x360:rate=30:type=carpet:seed=3:jump=50"
  lavfi triangle "sierpinski=size=640x360:rate=30:type=triangle:seed=9"
  first=2
fi
per=$(( LEN * 30 / 5 ))
slide=0
for group in $groups; do
  slide=$((slide + 1))
  name="slides$(printf %02d $slide)"
  [ -f "$work/src/$name.mp4" ] && continue
  mapfile -t all < <(find "$here/data/photos/$group" -name '*.jpg' | sort)
  case $((slide % 4)) in
    0) z="1+0.0012*on"; x="iw/2-(iw/zoom/2)+on*0.8" ;;
    1) z="1.25-0.0012*on"; x="iw/2-(iw/zoom/2)-on*0.8" ;;
    2) z="1+0.0008*on"; x="(iw-iw/zoom)*on/$per" ;;
    3) z="1.2"; x="(iw-iw/zoom)*(1-on/$per)" ;;
  esac
  inputs=(); chain=""
  for i in 0 1 2 3 4; do
    inputs+=(-i "${all[$((i + first))]}")
    chain+="[$i:v]scale=960:540:force_original_aspect_ratio=increase,crop=960:540,setsar=1,zoompan=z='$z':x='$x':y='ih/2-(ih/zoom/2)':d=$per:s=640x360:fps=30[p$i];"
  done
  $FF "${inputs[@]}" -filter_complex "${chain}[p0][p1][p2][p3][p4]concat=n=5,format=yuv420p" -c:v libx264 -preset veryfast -crf 20 "$work/src/$name.mp4"
done

