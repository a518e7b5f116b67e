package webvtt

import (
	"strings"
	"testing"
	"time"
)

func TestFromSRT(t *testing.T) {
	srt := "\uFEFF1\r\n00:00:01,000 --> 00:00:04,500\r\nHello <i>there</i>\r\n\r\n2\r\n0:00:05,000 --> 0:00:07,250 X1:10 X2:20 Y1:30 Y2:40\r\nSecond\r\nline\r\n"
	vtt, cues, err := FromSRT(srt)
	if err != nil {
		t.Fatal(err)
	}
	if len(cues) != 2 || cues[0].ID != "1" || cues[1].Start != 5*time.Second || cues[1].End != 7250*time.Millisecond || cues[1].Text != "Second\nline" {
		t.Fatalf("cues = %+v", cues)
	}
	if !strings.HasPrefix(vtt, "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.500\nHello <i>there</i>\n") {
		t.Errorf("vtt = %q", vtt)
	}
	if _, err := Parse(vtt); err != nil {
		t.Errorf("converted text does not parse: %v", err)
	}
}

func TestFromSRTErrors(t *testing.T) {
	if _, _, err := FromSRT("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n"); err == nil || !strings.Contains(err.Error(), "already WebVTT") {
		t.Errorf("WebVTT input: %v", err)
	}
	_, _, err := FromSRT("1\n00:00:04,000 --> 00:00:01,000\nbackwards\n")
	if err == nil || !strings.Contains(err.Error(), "SRT line 2:") {
		t.Errorf("backwards cue: %v", err)
	}
}
