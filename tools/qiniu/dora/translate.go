package dora

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// placeholderCallback satisfies the API's required callback when no public
// URL is configured: .invalid never resolves (RFC 2606), so nothing is
// delivered anywhere, and the tools poll instead.
const placeholderCallback = "https://callback.invalid/mcp-media/translate"

func (t *tools) translateTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_translate_document",
			Title:       "Translate a document",
			Description: "Translate a PDF, Word, PowerPoint or Excel document by URL; the translation is written to your Kodo bucket.",
		}, t.translate),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_translation",
			Title:       "Read a document translation",
			Description: "Read a document translation's status and the translated file's key in the bucket.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getTranslation),
	}
}

// TranslateInput are qiniu_translate_document's arguments.
type TranslateInput struct {
	URL         string `json:"url" jsonschema:"required,minLength=1" jsonschema_description:"Document URL: pdf doc docx ppt pptx xls xlsx; at most 50 MB"`
	To          string `json:"to" jsonschema:"maxLength=256,required" jsonschema_description:"Target language code: en zh cht jp kor fra spa de ru vie…"`
	From        string `json:"from,omitempty" jsonschema:"maxLength=256,default=auto" jsonschema_description:"Source language code or auto"`
	Bucket      string `json:"bucket" jsonschema:"maxLength=256,required,minLength=1" jsonschema_description:"Kodo bucket that receives the translation"`
	Output      string `json:"output,omitempty" jsonschema:"enum=same,enum=pdf,default=same" jsonschema_description:"same: the source's type (Word for PDF sources); pdf: a PDF"`
	Industry    int    `json:"industry,omitempty" jsonschema:"minimum=1,maximum=26" jsonschema_description:"Industry code 1–26 (1 law 2 finance 4 medicine 10 IT 26 other…)"`
	AllSheets   bool   `json:"all_sheets,omitempty" jsonschema_description:"Excel: every sheet; not only the current one"`
	Bilingual   bool   `json:"bilingual,omitempty" jsonschema_description:"Source and translation side by side"`
	CallbackURL string `json:"callback_url,omitempty" jsonschema_description:"Your own receiver; default: this server's inbox"`
}

// TranslationOutput is a document translation.
type TranslationOutput struct {
	doraapi.Translation
	Delivery string `json:"delivery,omitempty" jsonschema:"enum=inbox,enum=callback_url,enum=poll"`
	Bucket   string `json:"bucket,omitempty"`
}

func (t *tools) translate(ctx context.Context, c *toolkit.Call, in TranslateInput) (TranslationOutput, string, error) {
	dtype := 3
	if in.Output == "pdf" {
		dtype = 2
	}
	req := doraapi.TranslateRequest{URL: in.URL, From: strings.TrimSpace(in.From), To: strings.TrimSpace(in.To), DType: dtype,
		Bucket: in.Bucket, IndustryID: in.Industry, AllSheets: in.AllSheets, Bilingual: in.Bilingual, Callback: placeholderCallback}
	if err := doraapi.CheckTranslate(req); err != nil { // before an inbox route is made
		return TranslationOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return TranslationOutput{}, "", err
	}
	d := delivery{callback: strings.TrimSpace(in.CallbackURL)}
	if d.callback == "" {
		if d, err = t.inboxCallback(doraapi.KindTranslate); err != nil {
			return TranslationOutput{}, "", err
		}
	}
	var notes []string
	if d.callback != "" {
		req.Callback = d.callback
	} else {
		notes = append(notes, "Qiniu requires a callback URL; with no public URL configured an unreachable placeholder (callback.invalid) was given, and the result is polled instead.")
	}
	id, err := client.SubmitTranslation(ctx, req)
	if err != nil {
		t.cancel(d) // the route would wait for a task that does not exist
		return TranslationOutput{}, "", err
	}
	t.bind(d, id)
	out := TranslationOutput{Translation: doraapi.Translation{EntryID: id, Code: 100}, Delivery: d.mode(), Bucket: in.Bucket}
	return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "🌐", Heading: "Translation submitted", TaskID: id, Status: "translating",
		Fields:   []templates.Field{{Name: "Document", Value: shown(in.URL)}, {Name: "Languages", Value: req.From + " → " + req.To}, {Name: "Bucket", Value: in.Bucket}},
		Delivery: d.text(id, "qiniu_get_translation"), Notes: notes})
}

// GetTranslationInput are qiniu_get_translation's arguments.
type GetTranslationInput struct {
	TaskID string `json:"task_id" jsonschema:"maxLength=256,required,minLength=1"`
}

func (t *tools) getTranslation(ctx context.Context, c *toolkit.Call, in GetTranslationInput) (TranslationOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return TranslationOutput{}, "", err
	}
	id := strings.TrimSpace(in.TaskID)
	tr, err := client.Translation(ctx, id)
	fromInbox := false
	if err != nil {
		p, ok := t.fromInbox(doraapi.KindTranslate, id)
		if !ok {
			return TranslationOutput{}, "", err
		}
		if tr, err = doraapi.ParseTranslation(p); err != nil {
			return TranslationOutput{}, "", err
		}
		fromInbox = true
	}
	out := TranslationOutput{Translation: tr}
	data := templates.DoraTaskData{Icon: "🌐", Heading: "Translation in progress", TaskID: id, Status: "translating",
		Fields: []templates.Field{{Name: "Provider status", Value: fmt.Sprintf("%d %s", tr.Code, tr.Message)}},
		Next:   []string{"Call `qiniu_get_translation` again in a while."}}
	if tr.Done {
		data.Heading, data.Status, data.Next = "Translation done", "done", nil
		data.Fields = append(data.Fields, templates.Field{Name: "File key", Value: tr.FileKey}, templates.Field{Name: "Pages", Value: fmt.Sprint(tr.PageCount)})
		data.Next = []string{"The translated file is in your Kodo bucket under the file key above."}
	}
	if fromInbox {
		data.Notes = append(data.Notes, "Read from the callback inbox (the query failed).")
	}
	return reply(out, templates.DoraTask, data)
}
