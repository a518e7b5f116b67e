package doraapi

import (
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
)

// Error is a Dora business error: an HTTP 200 answer whose rtn (Yitu) or
// code (Shumei, translation) is not a success. The provider's own code and
// message are kept verbatim; Meaning translates the docs' 说明 column.
type Error struct {
	API       string // "short ASR", "image censor", …
	Field     string // "rtn" or "code"
	Code      int
	Message   string // the provider's message, verbatim
	Meaning   string // what the code means, in English
	Hint      string // what to do about it
	RequestID string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "qiniu %s failed: %s %d", e.API, e.Field, e.Code)
	if e.Message != "" {
		fmt.Fprintf(&b, " (%s)", e.Message)
	}
	if e.Meaning != "" {
		b.WriteString(": " + e.Meaning)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [requestId %s]", e.RequestID)
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

// p000: short ASR rtn codes (spec §4.1). The packed messages of quirk 17
// are kept as the provider sends them; only the meaning is ours.
var shortASRCodes = map[int]string{
	1000: "timed out",
	1101: "the request JSON could not be parsed",
	1102: "a field has an invalid value (scene or parameter)",
	1103: "a required field is missing",
	1999: "unknown error",
	4201: "the audio file is invalid or could not be downloaded",
	4202: "the audio file could not be downloaded",
	4203: "processing the file failed; contact Qiniu support",
	4204: "unsupported audio encoding",
	4208: "no such task id",
	4209: "audio slices are missing; the file cannot be parsed",
	4210: "the audio is too long (limits: 60 s, 20 MB)",
	4211: "the audio is too short",
	4214: "the content could not be recognised; contact Qiniu support",
}

// p010: Yitu codes, used for long ASR (which documents none; spec §4.3) and
// the live voice censor. Quirk 18: the same numbers mean other things in
// p000, so each API uses its own table.
var yituCodes = map[int]string{
	1000: "timed out",
	1999: "unknown error",
	1101: "the request JSON could not be parsed",
	1102: "invalid parameter",
	1103: "a required field is missing",
	4201: "unsupported language model (lang)",
	4202: "unsupported scene",
	4204: "unsupported audio encoding",
	4205: "too many audio slices",
	4208: "no such task id",
	4209: "audio slices are missing",
	4210: "the audio is too long",
	4211: "the audio is too short",
	4212: "the account's quota is used up",
	4213: "the service's quota is used up",
	4214: "speech recognition failed",
	4215: "the account's rate limit was reached",
	4216: "the service's rate limit was reached",
	6101: "the server timed out waiting to transcribe",
	6102: "the transcription queue is full",
	6103: "the audio file could not be parsed or downloaded",
	4301: "the stream could not be decoded",
	4302: "no such requestId",
	4303: "the file is still being processed",
	4304: "permission denied",
	4305: "batching timed out",
	4306: "the stream has no frames to process",
	4307: "saving failed",
	4308: "deleting failed",
	4309: "the system limit was exceeded",
	4310: "the concurrent stream limit was reached (200 by default)",
	4311: "last piece of the file",
	4312: "this stream is already being scanned",
}

// Shumei (censor-open) codes, p003/p007/p008/p009.
var shumeiCodes = map[int]string{
	1100: "success",
	1901: "QPS limit reached",
	1902: "invalid parameter",
	1903: "service failure",
	1911: "downloading the media timed out",
	9100: "the account balance is insufficient",
	9101: "no permission for this operation",
}

// Translation codes (p004): 100/102/200 are not errors (quirk 53).
var translateCodes = map[int]string{
	400: "invalid parameter",
	401: "authentication failed",
	500: "internal error",
}

func meaning(table map[int]string, code int) string {
	if m, ok := table[code]; ok {
		return m
	}
	if table == nil {
		return ""
	}
	if code >= 9100 && code < 9200 {
		return "internal error"
	}
	return "undocumented code"
}

// codeHint says what to do about a business error code.
func codeHint(field string, code int) string {
	switch field {
	case "rtn":
		switch code {
		case 4304:
			return "Check that Dora speech services are enabled for this account (short ASR must be enabled by Qiniu support first) and the keys with `mcp-media auth set qiniu`"
		case 4212, 4213, 4215, 4216, 4310, 6102:
			return "Wait a little and try again, or ask Qiniu to raise the quota"
		case 1000, 1999, 4203, 4214, 6101:
			return "Try again shortly"
		case 4202, 4201, 6103:
			return "Make sure the URL is publicly downloadable and the file is a supported audio format"
		}
	case "code":
		switch code {
		case 9101, 401:
			return qiniuauth.AuthHint
		case 9100:
			return "Top up the Qiniu account"
		case 1901:
			return "Wait a little and try again"
		case 1903, 500:
			return "Try again shortly"
		case 1911:
			return "Make sure the URL is publicly downloadable"
		}
	}
	return ""
}

func yituError(api string, table map[int]string, rtn int, msg, requestID string) *Error {
	return &Error{API: api, Field: "rtn", Code: rtn, Message: msg, Meaning: meaning(table, rtn), Hint: codeHint("rtn", rtn), RequestID: requestID}
}

func shumeiError(api string, code int, msg string) *Error {
	return &Error{API: api, Field: "code", Code: code, Message: msg, Meaning: meaning(shumeiCodes, code), Hint: codeHint("code", code)}
}

func translateError(code int, msg string) *Error {
	return &Error{API: "document translation", Field: "code", Code: code, Message: msg, Meaning: meaning(translateCodes, code), Hint: codeHint("code", code)}
}
