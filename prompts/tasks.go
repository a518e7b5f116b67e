package prompts

import (
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// Whole-task prompts. Each names the tools in order and, since most of them
// are outside the default tool list, says which toolset to enable first.
// Their arguments complete (completion/complete): media, playlist and
// player ids, hubs and streams, BCP 47 languages.

// enableFirst is how a prompt asks for tools the session may not list yet.
func enableFirst(what string) string {
	return "If a tool named below is not in your tool list, call media_toolsets with no arguments, then enable the toolsets for " + what +
		" (media_toolsets {\"enable\": [...]}); the list then changes."
}

func user(title, text string) *mcp.GetPromptResult {
	return mcp.NewGetPromptResult(title, []mcp.PromptMessage{mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text))})
}

func arg(req mcp.GetPromptRequest, name, def string) string {
	if v := strings.TrimSpace(req.Params.Arguments[name]); v != "" {
		return v
	}
	return def
}

func required(req mcp.GetPromptRequest, names ...string) error {
	for _, n := range names {
		if arg(req, n, "") == "" {
			return fmt.Errorf("argument %s is required", n)
		}
	}
	return nil
}

// tasks are the whole-task prompts, in the order they are registered.
var tasks = []spec{
	{
		name: "publish_video", title: "Publish a video",
		description: "Publish a video on AIOZ Stream end to end: upload, wait for transcoding, subtitles, player, playlist",
		args: []argSpec{
			{"file_path", "Absolute path of the video", true},
			{"title", "Title (default: file name)", false},
			{"language", "BCP 47 language of the speech, for subtitles (completes)", false},
			{"playlist_id", "Playlist to add the video to (completes)", false},
			{"player_id", "Player theme to use (completes)", false},
		},
		text: textPublishVideo,
	},
	{
		name: "go_live", title: "Go live on Pili",
		description: "Go live on Qiniu Pili: create the stream, hand out push/play URLs, check the push, record it",
		args: []argSpec{
			{"stream", "Stream title, 4-200 letters/digits (completes existing streams)", true},
			{"hub", "Hub (default: the server's default hub; completes)", false},
			{"expires_in", "Validity of the signed URLs, e.g. 2h (default 1h; completes)", false},
			{"record", "yes or no: save a replay when the show ends (default yes; completes)", false},
		},
		text: textGoLive,
	},
	{
		name: "moderate_live_stream", title: "Moderate a live stream",
		description: "Moderate a Qiniu Pili live stream: start video and audio censors on its play URL, report risky moments, stop them",
		args: []argSpec{
			{"stream", "Stream title (completes)", true},
			{"hub", "Hub (default: the server's default hub; completes)", false},
			{"checks", "What to look for: politics, porn, ad, violence, behavior, logo, person, moan (default: politics porn ad; completes)", false},
		},
		text: textModerateLiveStream,
	},
	{
		name: "subtitles_from_speech", title: "Subtitles from speech",
		description: "Subtitles from speech: transcribe a recording with Qiniu into a WebVTT file, and attach it to an AIOZ media",
		args: []argSpec{
			{"url", "Audio or video URL Qiniu can download", true},
			{"language", "BCP 47 language of the speech (completes)", false},
			{"vtt_path", "Where to write the .vtt file (absolute path)", false},
			{"media_id", "AIOZ media to attach the subtitles to (completes ids; a title finds its id)", false},
		},
		text: textSubtitlesFromSpeech,
	},
}

func textPublishVideo(req mcp.GetPromptRequest) (string, error) {
	if err := required(req, "file_path"); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Publish %q on AIOZ Stream.\n\n", arg(req, "file_path", ""))
	fmt.Fprintf(&b, "1. Upload it with aioz_upload_media%s; show each progress card and the Upload Complete card as they are.\n", titled(arg(req, "title", "")))
	b.WriteString("2. Call aioz_wait_for_media with the media id and show the encoding card with its links.\n")
	lang := arg(req, "language", "")
	if lang != "" {
		fmt.Fprintf(&b, "3. Subtitles in %s: transcribe the MP4 link with qiniu_transcribe_long (vtt_path set to a new .vtt file), then attach that file to the media with the AIOZ caption or chapter tool for language %s.\n", lang, lang)
	} else {
		b.WriteString("3. Subtitles: ask me which language is spoken; then transcribe the MP4 link with qiniu_transcribe_long (vtt_path set), and attach the .vtt file with the AIOZ caption or chapter tool.\n")
	}
	if p := arg(req, "player_id", ""); p != "" {
		fmt.Fprintf(&b, "4. Apply player %s to the media (aioz_update_media or the AIOZ player tools).\n", p)
	} else {
		b.WriteString("4. Player: if I have AIOZ players, ask which one to apply; else keep the default.\n")
	}
	if p := arg(req, "playlist_id", ""); p != "" {
		fmt.Fprintf(&b, "5. Add the media to playlist %s with the AIOZ playlist tools (read the playlist first, then add).\n", p)
	} else {
		b.WriteString("5. Playlist: ask whether to add it to one of my playlists.\n")
	}
	b.WriteString("\nEnd with the HLS, MP4 and embed links. " + enableFirst("AIOZ captions, players and playlists, and qiniu_asr"))
	return b.String(), nil
}

func textGoLive(req mcp.GetPromptRequest) (string, error) {
	if err := required(req, "stream"); err != nil {
		return "", err
	}
	stream, hub := arg(req, "stream", ""), hubPhrase(arg(req, "hub", ""))
	var b strings.Builder
	fmt.Fprintf(&b, "Take stream %q%s live on Qiniu Pili.\n\n", stream, hub)
	b.WriteString("1. qiniu_create_stream (if it exists already, that is fine: go on) and show its card.\n")
	fmt.Fprintf(&b, "2. qiniu_stream_urls with expires_in %q: give me the RTMP and SRT push URLs for OBS and the HLS/FLV play URLs; relay the notes.\n", arg(req, "expires_in", "1h"))
	b.WriteString("3. When I say the encoder is running, check with qiniu_get_live_status; if it is not live, go through the card's notes with me (push auth, expiry, domain).\n")
	if strings.EqualFold(arg(req, "record", "yes"), "no") {
		b.WriteString("4. No recording.\n")
	} else {
		b.WriteString("4. When I say the show is over, save the replay with qiniu_record_stream (the whole session, mp4) and give me the file name.\n")
	}
	b.WriteString("\n" + enableFirst("Qiniu live (qiniu_live)"))
	return b.String(), nil
}

func textModerateLiveStream(req mcp.GetPromptRequest) (string, error) {
	if err := required(req, "stream"); err != nil {
		return "", err
	}
	stream, hub := arg(req, "stream", ""), hubPhrase(arg(req, "hub", ""))
	var b strings.Builder
	fmt.Fprintf(&b, "Moderate the live stream %q%s.\n\n", stream, hub)
	b.WriteString("1. qiniu_get_live_status: is it live? If not, say so and stop.\n")
	b.WriteString("2. qiniu_stream_urls: take its RTMP play URL (the censors read rtmp://).\n")
	fmt.Fprintf(&b, "3. Start qiniu_start_video_stream_censor and qiniu_start_audio_stream_censor on that URL%s; keep both job ids.\n", checksPhrase(arg(req, "checks", "")))
	b.WriteString("4. Results arrive by callback: read them with media_events (by task id) and tell me each review or block verdict with its time.\n")
	b.WriteString("5. When I say stop, stop both jobs (qiniu_stop_video_stream_censor, qiniu_stop_audio_stream_censor) and summarise.\n")
	b.WriteString("\n" + enableFirst("stream moderation (qiniu_censor_streams)"))
	return b.String(), nil
}

func textSubtitlesFromSpeech(req mcp.GetPromptRequest) (string, error) {
	if err := required(req, "url"); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Make subtitles from the speech in %s.\n\n", arg(req, "url", ""))
	vtt := arg(req, "vtt_path", "")
	if vtt == "" {
		vtt = "a new .vtt file next to my other files (ask me where)"
	}
	fmt.Fprintf(&b, "1. qiniu_transcribe_long with the URL and vtt_path %s; it waits with progress. Show the transcript card.\n", vtt)
	if lang := arg(req, "language", ""); lang != "" {
		fmt.Fprintf(&b, "   The speech is in %s; if the transcript is clearly another language, tell me.\n", lang)
	}
	if m := arg(req, "media_id", ""); m != "" {
		fmt.Fprintf(&b, "2. Attach the .vtt file to AIOZ media %s with the AIOZ caption or chapter tool for that language, and confirm.\n", m)
	} else {
		b.WriteString("2. Ask whether to attach the .vtt file to an AIOZ media (aioz_list_media finds it by title).\n")
	}
	b.WriteString("\n" + enableFirst("Qiniu speech recognition (qiniu_asr) and AIOZ captions"))
	return b.String(), nil
}

func titled(t string) string {
	if t == "" {
		return ""
	}
	return fmt.Sprintf(" titled %q", t)
}

func hubPhrase(h string) string {
	if h == "" {
		return ""
	}
	return fmt.Sprintf(" in hub %q", h)
}

func checksPhrase(c string) string {
	if c == "" {
		return ""
	}
	return fmt.Sprintf(" (checks: %s)", c)
}
