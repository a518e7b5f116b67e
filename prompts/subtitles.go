package prompts

import (
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// generateSubtitles walks an agent through subtitles from speech: find the
// media, check it is ready, transcribe it with Qiniu into an AIOZ subtitle,
// handle a language that is taken, and offer making it the default.
var generateSubtitles = spec{
	name: "generate_subtitles", title: "Generate subtitles from speech",
	description: "Subtitle an AIOZ Stream video from its speech (Qiniu speech recognition → WebVTT → AIOZ subtitle)",
	args: []argSpec{
		{"media_id", "AIOZ media id (completes), or part of its title", true},
		{"language", "BCP 47 tag of the spoken language (completes; default zh-CN: Qiniu recognises Mandarin)", false},
	},
	text: textGenerateSubtitles,
}

func textGenerateSubtitles(req mcp.GetPromptRequest) (string, error) {
	media := strings.TrimSpace(req.Params.Arguments["media_id"])
	if media == "" {
		return "", fmt.Errorf("argument media_id is required")
	}
	lang := strings.TrimSpace(req.Params.Arguments["language"])
	if lang == "" {
		lang = "zh-CN"
	}
	return strings.Join([]string{
		fmt.Sprintf("Add %s subtitles generated from speech to the AIOZ Stream media %q.", lang, media),
		"1. If that is not a media id, find the media with aioz_list_media (search by title) and confirm with me which one if several match.",
		"2. Check with aioz_get_media that its status is done; if it is still transcoding, wait with aioz_wait_for_media.",
		"3. Call media_providers and check that qiniu is configured; if it is not, tell me to run `mcp-media auth set qiniu` and stop.",
		fmt.Sprintf("4. Call aioz_generate_subtitles with the media id and language %q; relay its progress, then show me the card it returns as it is.", lang),
		"5. If the service refuses because a subtitle in the same primary language exists, tell me which one exists and ask whether to delete it with aioz_delete_subtitle first. Do not delete it without my yes.",
		"6. Finally ask whether to make the new subtitle the default (aioz_set_default_subtitle).",
		"",
		enableFirst("AIOZ media and captions (aioz_media, aioz_captions)"),
	}, "\n"), nil
}
