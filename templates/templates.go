// Package templates holds the text an agent relays, as Go text/template
// files embedded in the binary: the seven AIOZ templates of seed 001 (upload
// progress, upload complete, the five webhook events) reproduced to the
// character, and the status cards of the other providers in the same style.
// It is the one template renderer. Each template has a name constant of type
// T[D], D being the data type it renders, declared next to D (aioz.go,
// pili.go, dora.go, media.go); tools call that constant's Render, so a
// template cannot be given the wrong data.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"
	"time"
)

//go:embed */*.tmpl */*/*.tmpl
var files embed.FS

var (
	once   sync.Once
	parsed map[string]*template.Template
	perr   error
)

func load() {
	parsed = map[string]*template.Template{}
	perr = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(path, ".md.tmpl")
		t, err := template.New(name).Option("missingkey=error").Funcs(funcs).Parse(string(b))
		if err != nil {
			return fmt.Errorf("template %s: %w", path, err)
		}
		parsed[name] = t
		return nil
	})
}

var funcs = template.FuncMap{
	"cell":                Cell,
	"insufficientBalance": func() string { return InsufficientBalance },
}

// T names a template that renders data of type D:
//
//	var AIOZMediaCard = T[MediaCard]("aioz/media_card")
type T[D any] string

// Name is the template's name, its path under templates/ without .md.tmpl.
func (t T[D]) Name() string { return string(t) }

// Render executes the template with d.
func (t T[D]) Render(d D) (string, error) { return render(string(t), d) }

// Line renders a one-line template, such as a progress message (the
// message of one notifications/progress): trimmed, or the error's text in
// the rare case rendering fails (the samples test renders every template),
// since a progress step is no reason to fail a call.
func (t T[D]) Line(d D) string {
	s, err := t.Render(d)
	if err != nil {
		return err.Error()
	}
	return strings.TrimSpace(s)
}

// render executes the template called name ("aioz/upload_complete").
func render(name string, data any) (string, error) {
	once.Do(load)
	if perr != nil {
		return "", perr
	}
	t, ok := parsed[name]
	if !ok {
		return "", fmt.Errorf("no template %q", name)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("rendering %s: %w", name, err)
	}
	return b.String(), nil
}

// Names lists the embedded templates.
func Names() []string {
	once.Do(load)
	out := make([]string, 0, len(parsed))
	for n := range parsed {
		out = append(out, n)
	}
	return out
}

// Cell makes a value safe inside a Markdown table cell: no line breaks, no
// bare pipes.
func Cell(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`).Replace(s)
	return strings.TrimSpace(s)
}

// Timestamp formats t the way the seed templates show it ("… UTC" follows).
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// Bar is seed 001's ten-cell Unicode progress bar.
func Bar(done, total int) string {
	if total <= 0 {
		return strings.Repeat("░", 10)
	}
	filled := (20*done + total) / (2 * total) // round(10*done/total)
	if filled > 10 {
		filled = 10
	}
	return strings.Repeat("█", filled) + strings.Repeat("░", 10-filled)
}

// Source returns a template's text.
func Source(name string) (string, error) {
	b, err := files.ReadFile(name + ".md.tmpl")
	if err != nil {
		return "", fmt.Errorf("no template %q", name)
	}
	return string(b), nil
}
