package doraapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
)

func TestShortASRLocalWAV(t *testing.T) {
	e := newEnv(t)
	p := writeWAV(t, 16000, 1, 16, 2*time.Second)
	res, err := e.client.ShortASR(context.Background(), ShortASRRequest{Path: p, HotWords: []string{"七牛", "信息技术"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Text, "[sandbox] ") || !strings.Contains(res.Text, "2000 ms") {
		t.Errorf("text = %q", res.Text)
	}
	if res.Audio == nil || res.Audio.Duration != 2*time.Second || res.Audio.Measured != "wav header" {
		t.Errorf("audio info = %+v", res.Audio)
	}
	reqs := e.fake.Requests()
	if len(reqs) != 1 || reqs[0].Error != "" {
		t.Fatalf("requests = %+v", reqs)
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if _, ok := body["audioBase64"].(string); !ok {
		t.Errorf("body has no audioBase64: %v", body["audioBase64"] == nil)
	}
	if w, _ := body["customWords"].([]any); len(w) != 2 {
		t.Errorf("customWords = %v", body["customWords"])
	}
	if h := reqs[0].Header.Get("Authorization"); !strings.HasPrefix(h, "Qiniu "+testAK+":") {
		t.Errorf("Authorization = %q", h)
	}
}

func TestShortASRURL(t *testing.T) {
	e := newEnv(t)
	res, err := e.client.ShortASR(context.Background(), ShortASRRequest{URL: "https://cdn.example.com/a/clip.mp3"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "[sandbox] mp3 audio at /a/clip.mp3" {
		t.Errorf("text = %q", res.Text)
	}
}

// Inputs over the documented limits are refused before anything is sent.
func TestShortASRLimitsRefusedBeforeSending(t *testing.T) {
	big := make([]byte, 25<<20)
	copy(big, wavBytes(16000, 1, 16, time.Second))
	cases := []struct {
		name string
		req  func(t *testing.T) ShortASRRequest
		want string
	}{
		{"61 s clip", func(t *testing.T) ShortASRRequest {
			return ShortASRRequest{Path: writeWAV(t, 16000, 1, 16, 61*time.Second)}
		}, "at most 60 s"},
		{"25 MB file", func(t *testing.T) ShortASRRequest { return ShortASRRequest{Path: writeFile(t, "big.wav", big)} }, "at most 20 MB"},
		{"unsupported format", func(t *testing.T) ShortASRRequest {
			return ShortASRRequest{Path: writeFile(t, "a.flac", append([]byte("fLaC"), make([]byte, 100)...))}
		}, "unsupported format"},
		{"image named .wav", func(t *testing.T) ShortASRRequest {
			return ShortASRRequest{Path: writeFile(t, "a.wav", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...))}
		}, "PNG"},
		{"invalid sample rate", func(t *testing.T) ShortASRRequest {
			return ShortASRRequest{Path: writeWAV(t, 22050, 1, 16, time.Second)}
		}, "22050 Hz"},
		{"8-bit stereo is fine but 24-bit is not", func(t *testing.T) ShortASRRequest {
			b := wavBytes(16000, 1, 16, time.Second)
			b[34] = 24
			return ShortASRRequest{Path: writeFile(t, "a.wav", b)}
		}, "24-bit"},
		{"hot word too long", func(t *testing.T) ShortASRRequest {
			return ShortASRRequest{URL: "https://x.example/a.wav", HotWords: []string{"七牛云存储服务"}}
		}, "2–4 Chinese"},
		{"URL with an unsupported extension", func(t *testing.T) ShortASRRequest {
			return ShortASRRequest{URL: "https://x.example/a.flac"}
		}, "unsupported format .flac"},
		{"both path and url", func(t *testing.T) ShortASRRequest {
			return ShortASRRequest{URL: "https://x.example/a.wav", Path: "/tmp/x.wav"}
		}, "invalid argument `path`: give exactly one of path, url and data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.client.ShortASR(context.Background(), c.req(t))
			if err == nil || !isLimit(err) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want an argument error mentioning %q", err, c.want)
			}
			if n := len(e.fake.Requests()); n != 0 {
				t.Errorf("%d requests were sent", n)
			}
		})
	}
}

func TestShortASR8BitPCMWAVAllowed(t *testing.T) {
	e := newEnv(t)
	if _, err := e.client.ShortASR(context.Background(), ShortASRRequest{Path: writeWAV(t, 16000, 2, 8, time.Second)}); err != nil {
		t.Fatal(err)
	}
}

func TestWrongSecretNamesAuthSet(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SecretKey = "wrong-secret-key-0000000000000000" })
	_, err := e.client.ShortASR(context.Background(), ShortASRRequest{URL: "https://x.example/a.wav"})
	if err == nil || !strings.Contains(err.Error(), qiniuauth.AuthHint) {
		t.Fatalf("err = %v, want the shared hint %q", err, qiniuauth.AuthHint)
	}
	if strings.Contains(err.Error(), "wrong-secret-key") {
		t.Errorf("secret leaked: %v", err)
	}
	for _, f := range []func() error{
		func() error {
			_, err := e.client.CensorImage(context.Background(), ImageCensorRequest{URL: "https://x.example/a.jpg"})
			return err
		},
		func() error { _, err := e.client.Translation(context.Background(), "abc"); return err },
		func() error { _, err := e.client.LongASRTask(context.Background(), "abc"); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), qiniuauth.AuthHint) {
			t.Errorf("err = %v", err)
		}
	}
}

func TestShortASRBusinessError(t *testing.T) {
	e := newEnv(t)
	// A WAV whose data is too short to hold a sample is refused by the fake
	// with rtn 4211; the client keeps the code and explains it.
	_, err := e.client.ShortASR(context.Background(), ShortASRRequest{Data: wavBytes(16000, 1, 16, 0)})
	var de *Error
	if !errors.As(err, &de) || de.Code != 4211 || de.Field != "rtn" || !strings.Contains(err.Error(), "too short") {
		t.Fatalf("err = %v", err)
	}
}

func TestLongASRSubmitAndPoll(t *testing.T) {
	e := newEnv(t)
	// A loopback URL lets the fake measure the audio (12 s).
	wav := wavBytes(16000, 1, 16, 12*time.Second)
	mediaURL := serveBytes(t, "/talk.wav", wav)
	f := false
	two := 2
	sub, err := e.client.SubmitLongASR(context.Background(), LongASRRequest{
		AudioURL: mediaURL, AUE: "wav", SampleRate: 16000, ByWords: true, HotWords: []string{"七牛", "qiniu"},
		AddPunctuation: &f, NumOfSpeakers: &two, Replacements: []WordReplace{{Keywords: "第", Replace: "D"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := e.fake.Requests()
	var body map[string]any
	_ = json.Unmarshal(reqs[len(reqs)-1].Body, &body)
	sc, _ := body["speechConfig"].(map[string]any)
	if sc["wordsReplace"] != true || sc["numOfSpeakers"] != 2.0 || sc["addPunctuation"] != false || sc["scene"] != nil {
		t.Errorf("speechConfig = %v", sc)
	}
	if _, ok := body["wordsReplaceConfig"].([]any); !ok {
		t.Errorf("wordsReplaceConfig missing: %v", body)
	}
	var task LongASRTask
	for i := 0; i < 5 && !task.Done; i++ {
		if task, err = e.client.LongASRTask(context.Background(), sub.TaskID); err != nil {
			t.Fatal(err)
		}
		if !task.Done && task.StatusText != LASRStatusNames[task.Status] {
			t.Errorf("status %d text %q", task.Status, task.StatusText)
		}
	}
	if !task.Done || task.Result == nil {
		t.Fatalf("task = %+v", task)
	}
	r := task.Result
	if r.Duration != 12*time.Second || len(r.Sentences) != 3 {
		t.Fatalf("result = %+v", r)
	}
	if r.Sentences[1].Speaker != "2" || r.Sentences[1].Start != 5*time.Second || len(r.Sentences[0].Words) == 0 {
		t.Errorf("sentence = %+v", r.Sentences[1])
	}
	if !strings.HasPrefix(r.Sentences[0].Text, "[sandbox] D") || strings.Contains(r.Text, "。") {
		t.Errorf("text = %q", r.Text)
	}
	if w := r.Sentences[0].Words[len(r.Sentences[0].Words)-1]; w.Type&1 == 0 {
		t.Errorf("word type = %d", w.Type)
	}
}

func TestLongASRUnknownTask(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.LongASRTask(context.Background(), "no-such-task")
	var de *Error
	if !errors.As(err, &de) || de.Code != 4208 || !strings.Contains(err.Error(), "no such task id") {
		t.Fatalf("err = %v", err)
	}
}

func TestLongASRRefusesBadInputBeforeSending(t *testing.T) {
	e := newEnv(t)
	five := 5
	for _, req := range []LongASRRequest{
		{AudioURL: "ftp://x/a.wav"},
		{AudioURL: "https://x/a.wav", NumOfSpeakers: &five},
		{AudioURL: "https://x/a.wav", HotWords: []string{"a"}},
	} {
		if _, err := e.client.SubmitLongASR(context.Background(), req); !isLimit(err) {
			t.Errorf("%+v: err = %v", req, err)
		}
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// The p002 callback example, verbatim: string times, transcribedType.
func TestParseLongASRDocExample(t *testing.T) {
	b, err := os.ReadFile("testdata/lasr_callback.json")
	if err != nil {
		t.Fatal(err)
	}
	task, err := ParseLongASR(b)
	if err != nil {
		t.Fatal(err)
	}
	if !task.Done || task.TaskID != "a123bcefa123bcef" || len(task.Result.Sentences) != 2 {
		t.Fatalf("task = %+v", task)
	}
	s := task.Result.Sentences[1]
	if s.Speaker != "2" || s.End != 1600*time.Millisecond || s.Words[2].Type != 17 || s.Words[3].Type != 2 {
		t.Errorf("sentence = %+v", s)
	}
	id, sum := Summarize(KindASRLong, b)
	if id != "a123bcefa123bcef" || !strings.Contains(sum, "2 sentences") {
		t.Errorf("summary = %q %q", id, sum)
	}
}

// A limit error names the argument it is about, in the argerr wording.
func TestLimitErrorNamesArgument(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.LongASRTask(context.Background(), " ")
	if got, want := fmt.Sprint(err), "invalid argument `task_id`: is required"; got != want {
		t.Errorf("LongASRTask(\" \") error = %q, want %q", got, want)
	}
	if !isLimit(err) {
		t.Errorf("error %T is not *argerr.Error", err)
	}
}
