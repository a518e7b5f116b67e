package iceapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// APIError is an ICE or OSS error in words a person can act on. It keeps
// Alibaba's own code and request id, and nothing of the response body
// besides the message (cut before any string-to-sign).
type APIError struct {
	Service   string // "ICE" or "OSS"
	Op        string // "CreateUploadStream", "UploadPart"...
	Status    int
	Code      string
	Message   string
	RequestID string
	Hint      string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "aliyun %s %s: ", e.Service, e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d ", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, "(Alibaba code %s)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

// AuthSetHint is the fix for a wrong or unknown account AccessKey.
const AuthSetHint = "Alibaba Cloud rejected the AccessKey. Fix: check the AccessKey ID and secret of the RAM user: run `mcp-media auth set aliyun` (or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)"

// hint says what to do about an Alibaba code (gateway codes: spec §1.5).
func hint(service, code string) string {
	switch {
	case service == "OSS" && (code == "SecurityTokenExpired" || code == "InvalidAccessKeyId"):
		return "The temporary upload credential expired or was revoked; calling the tool again renews it and resumes the upload"
	case code == "SignatureDoesNotMatch" || code == "IncompleteSignature" || strings.HasPrefix(code, "InvalidAccessKeyId") || code == "InvalidAccessKeySecret":
		if service == "OSS" {
			return "The STS credential from CreateUploadStream was refused; call the tool again for a fresh one"
		}
		return AuthSetHint
	case strings.HasPrefix(code, "Forbidden") || code == "NoPermission" || code == "AccessDenied":
		return "Fix: grant the RAM user the action ice:CreateUploadStream (for example the system policy AliyunICEFullAccess), or use another AccessKey with `mcp-media auth set aliyun`"
	case code == "SecurityTokenExpired":
		return "Fix: the account credential is an expired STS token; configure a long-term AccessKey with `mcp-media auth set aliyun`"
	case strings.HasPrefix(code, "InvalidTimeStamp"):
		return "Fix: this machine's clock differs from Alibaba Cloud's by more than 15 minutes; synchronise it (NTP) and retry"
	case code == "SignatureNonceUsed":
		return "A request nonce was reused; retry the call"
	case strings.HasPrefix(code, "Throttling"):
		return "Rate limited by Alibaba Cloud; wait a moment and retry"
	case strings.Contains(code, "MediaId") || code == "InvalidMediaId.NotFound":
		return "Fix: check media_id (an existing ICE media asset), or omit it to let ICE create one"
	case strings.HasPrefix(code, "MissingParameter") || strings.HasPrefix(code, "InvalidParameter"):
		return "Fix: check the tool arguments against the input schema"
	case strings.HasPrefix(code, "Forbidden.Region") || code == "InvalidRegion" || code == "UnsupportedOperation":
		return "Fix: use region cn-shanghai, cn-beijing or cn-shenzhen"
	}
	return ""
}

var (
	sdkMsgPrefix = regexp.MustCompile(`^code: \d+, `)
	sdkMsgSuffix = regexp.MustCompile(` request id: [^ ]*$`)
)

// cleanMessage keeps the server's sentence, never its string-to-sign.
func cleanMessage(m string) string {
	m = sdkMsgSuffix.ReplaceAllString(sdkMsgPrefix.ReplaceAllString(m, ""), "")
	low := strings.ToLower(m)
	for _, cut := range []string{"server string to sign", "string to sign", "stringtosign", "canonical"} {
		if i := strings.Index(low, cut); i >= 0 {
			m, low = strings.TrimSpace(m[:i]), low[:i]
		}
	}
	m = strings.TrimRight(strings.TrimSpace(m), ":;,")
	if len(m) > 300 {
		m = m[:300] + "…"
	}
	return m
}

func errorsIsSDK(err error) bool {
	var se *tea.SDKError
	return errors.As(err, &se)
}

// translate turns a darabonba error (*tea.SDKError: Data is the whole
// response body, never shown) into an *APIError, scrubbed.
func (c *Client) translate(op string, err error) error {
	var se *tea.SDKError
	if errors.As(err, &se) {
		e := &APIError{Service: "ICE", Op: op, Code: tea.StringValue(se.Code), Message: cleanMessage(tea.StringValue(se.Message))}
		if se.StatusCode != nil {
			e.Status = *se.StatusCode
		}
		var data map[string]any
		if se.Data != nil && json.Unmarshal([]byte(*se.Data), &data) == nil {
			if id, ok := data["RequestId"].(string); ok {
				e.RequestID = id
			}
		}
		e.Hint = hint("ICE", e.Code)
		return c.cfg.Redact.Error(e)
	}
	return c.cfg.Redact.Error(fmt.Errorf("aliyun ICE %s at %s: %s", op, c.origin, firstLine(err.Error())))
}

// translateOSS turns an OSS SDK error into an *APIError. A ServiceError's
// Snapshot and headers are never used.
func (c *Client) translateOSS(op string, err error) error {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		e := &APIError{Service: "OSS", Op: op, Status: se.StatusCode, Code: se.Code, Message: cleanMessage(se.Message), RequestID: se.RequestID}
		e.Hint = hint("OSS", e.Code)
		return c.cfg.Redact.Error(e)
	}
	return c.cfg.Redact.Error(fmt.Errorf("aliyun OSS %s: %s", op, firstLine(err.Error())))
}

// ossCode is the OSS error code carried by err, or "".
func ossCode(err error) string {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}
