package aioz

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/webvtt"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// chapterTools are the aioz_captions toolset: chapters, then subtitles
// (subtitles.go).
func (t *tools) chapterTools() []toolkit.Tool {
	return append([]toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_add_chapter",
			Title:       "Add chapters",
			Description: "Attach a WebVTT chapter file to a media for one language (BCP 47 tag). Give vtt_path or vtt_text. One chapter file per language.",
		}, t.addChapter),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_list_chapters",
			Title:       "List chapters",
			Description: "Chapter files of a media, per language.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.listChapters),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_chapter",
			Title:       "Delete chapters",
			Description: "Remove a media's chapter file for one language.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deleteChapter),
	}, t.subtitleTools()...)
}

// AddChapterInput are aioz_add_chapter's arguments.
type AddChapterInput struct {
	MediaID  string `json:"media_id" jsonschema:"maxLength=256,required,minLength=1"`
	Language string `json:"language" jsonschema:"maxLength=256,required" jsonschema_description:"BCP 47 tag: en, vi, en-US, fr-CA"`
	VTTPath  string `json:"vtt_path,omitempty" jsonschema_description:"Local .vtt file"`
	VTTText  string `json:"vtt_text,omitempty" jsonschema_description:"WebVTT text (instead of vtt_path)"`
}

// ChapterOutput is the stored chapter.
type ChapterOutput struct {
	MediaID string          `json:"media_id"`
	Chapter aiozapi.Chapter `json:"chapter"`
	Cues    int             `json:"cues"`
}

func (t *tools) addChapter(ctx context.Context, c *toolkit.Call, in AddChapterInput) (ChapterOutput, string, error) {
	if err := webvtt.ValidLanguage(in.Language); err != nil {
		return ChapterOutput{}, "", argerr.Named(err, "language")
	}
	var text string
	arg := "vtt_text"
	switch {
	case in.VTTPath != "" && in.VTTText != "":
		return ChapterOutput{}, "", argerr.New("vtt_path", "and vtt_text are both given", "give only one of them")
	case in.VTTPath != "":
		arg = "vtt_path"
		if !strings.HasSuffix(strings.ToLower(in.VTTPath), ".vtt") {
			return ChapterOutput{}, "", argerr.New("vtt_path", fmt.Sprintf("%q is not a .vtt file", in.VTTPath), "give a WebVTT file ending in .vtt")
		}
		p, err := c.ReadPath("vtt_path", in.VTTPath, fileroot.VTT)
		if err != nil {
			return ChapterOutput{}, "", err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return ChapterOutput{}, "", argerr.New("vtt_path", "cannot be read", "give a readable local .vtt file")
		}
		text = string(b)
	case in.VTTText != "":
		text = in.VTTText
	default:
		return ChapterOutput{}, "", argerr.New("vtt_path", "or vtt_text is required", "give a .vtt file path or the WebVTT text")
	}
	cues, err := webvtt.Parse(text)
	if err != nil {
		if arg == "vtt_path" {
			// The file's content is never quoted back: over a network
			// transport that would read files out one line at a time.
			return ChapterOutput{}, "", argerr.New(arg, "the file is not valid WebVTT", "give a WebVTT file (it starts with a WEBVTT line, then timed cues)")
		}
		return ChapterOutput{}, "", argerr.Named(err, arg)
	}
	client, err := t.client.Get()
	if err != nil {
		return ChapterOutput{}, "", err
	}
	ch, err := client.AddChapter(ctx, in.MediaID, in.Language, []byte(text))
	if err != nil {
		if httpx.StatusOf(err) == 400 {
			if list, lerr := client.ListChapters(ctx, in.MediaID, 0, 100); lerr == nil {
				for _, existing := range list.Chapters {
					if strings.EqualFold(existing.Language, in.Language) {
						return ChapterOutput{}, "", fmt.Errorf("media %s already has a %s chapter file (one per language). Delete it first with aioz_delete_chapter, then add again: %w", in.MediaID, in.Language, err)
					}
				}
			}
		}
		return ChapterOutput{}, "", err
	}
	if ch.Language == "" {
		ch.Language = in.Language
	}
	reply, err := templates.AIOZChapterAdded.Render(templates.ChapterChange{MediaID: in.MediaID, Language: in.Language, Cues: len(cues)})
	return ChapterOutput{MediaID: in.MediaID, Chapter: ch, Cues: len(cues)}, reply, err
}

// ListChaptersInput are aioz_list_chapters' arguments.
type ListChaptersInput struct {
	MediaID string `json:"media_id" jsonschema:"maxLength=256,required,minLength=1"`
	Limit   int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset  int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// ChapterListOutput is a page of chapters.
type ChapterListOutput struct {
	MediaID  string            `json:"media_id"`
	Chapters []aiozapi.Chapter `json:"chapters"`
	Total    int               `json:"total"`
}

func (t *tools) listChapters(ctx context.Context, c *toolkit.Call, in ListChaptersInput) (ChapterListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return ChapterListOutput{}, "", err
	}
	list, err := client.ListChapters(ctx, in.MediaID, in.Offset, in.Limit)
	if err != nil {
		return ChapterListOutput{}, "", err
	}
	out := ChapterListOutput{MediaID: in.MediaID, Chapters: list.Chapters, Total: list.Total}
	d := templates.Chapters{MediaID: out.MediaID}
	for _, ch := range out.Chapters {
		d.Chapters = append(d.Chapters, templates.ChapterRow{Language: ch.Language, URL: ch.URL})
	}
	text, err := templates.AIOZChapters.Render(d)
	return out, text, err
}

// DeleteChapterInput are aioz_delete_chapter's arguments.
type DeleteChapterInput struct {
	MediaID  string `json:"media_id" jsonschema:"maxLength=256,required,minLength=1"`
	Language string `json:"language" jsonschema:"maxLength=256,required,minLength=1"`
}

// DeleteChapterOutput confirms a deletion.
type DeleteChapterOutput struct {
	MediaID  string `json:"media_id"`
	Language string `json:"language"`
	Deleted  bool   `json:"deleted"`
}

func (t *tools) deleteChapter(ctx context.Context, c *toolkit.Call, in DeleteChapterInput) (DeleteChapterOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return DeleteChapterOutput{}, "", err
	}
	if err := client.DeleteChapter(ctx, in.MediaID, in.Language); err != nil {
		return DeleteChapterOutput{}, "", err
	}
	text, err := templates.AIOZChapterDeleted.Render(templates.ChapterChange{MediaID: in.MediaID, Language: in.Language})
	return DeleteChapterOutput{MediaID: in.MediaID, Language: in.Language, Deleted: true}, text, err
}
