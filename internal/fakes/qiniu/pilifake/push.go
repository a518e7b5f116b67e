package pilifake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// VerifyPush checks an RTMP or SRT push URL the way the Pili edge checks a
// publisher (spec §2.3, §3): the hub and stream it names, and the token of
// the stream's (else the hub's) push-auth scheme — expiry with the publish
// key, expiry_sk with the account's keys ("AccessKey:sign"), static, none.
// A push must start before its expiry. It is written independently of
// qiniuauth so the two check each other.
func (s *Server) VerifyPush(raw string) error {
	hubName, title, params, err := parsePush(raw)
	if err != nil {
		return err
	}
	s.mu.Lock()
	h, ok := s.hubs[hubName]
	var security, key string
	if ok {
		security, key = h.PublishSecurity, h.PublishKey
		if st := h.streams[title]; st != nil && st.PublishSecurity != "" {
			security, key = st.PublishSecurity, st.PublishKey
		}
	}
	now := s.now().Unix()
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("pilifake: push to unknown hub %q", hubName)
	}
	path := "/" + hubName + "/" + title
	expired := func(name string) error {
		e, err := strconv.ParseInt(params[name], 10, 64)
		if err != nil {
			return fmt.Errorf("pilifake: %s=%q is not a Unix time", name, params[name])
		}
		if e <= now {
			return fmt.Errorf("pilifake: push URL expired at %d (now %d)", e, now)
		}
		return nil
	}
	switch security {
	case "", "none":
		return nil
	case "static":
		if params["key"] == "" || params["key"] != key {
			return fmt.Errorf("pilifake: static push key does not match")
		}
		return nil
	case "expiry":
		if err := expired("expire"); err != nil {
			return err
		}
		if params["token"] != pushSign(key, path+"?expire="+params["expire"]) {
			return fmt.Errorf("pilifake: expiry token does not verify")
		}
		return nil
	case "expiry_sk":
		if err := expired("e"); err != nil {
			return err
		}
		ak, sign, ok := strings.Cut(params["token"], ":")
		if !ok || ak != s.ak || sign != pushSign(s.sk, path+"?e="+params["e"]) {
			return fmt.Errorf("pilifake: expiry_sk token does not verify")
		}
		return nil
	}
	return fmt.Errorf("pilifake: push auth %q is not verified by the fake", security)
}

func pushSign(key, data string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(data))
	return base64.URLEncoding.EncodeToString(m.Sum(nil))
}

// parsePush takes an RTMP URL rtmp://D/<hub>/<title>?a=b&… or an SRT URL
// srt://D:1935?streamid=#!::h=<hub>/<title>,m=publish,domain=D,a=b,… apart.
func parsePush(raw string) (hub, title string, params map[string]string, err error) {
	params = map[string]string{}
	switch {
	case strings.HasPrefix(raw, "rtmp://"):
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", nil, fmt.Errorf("pilifake: bad RTMP URL: %w", err)
		}
		parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
		if len(parts) != 2 {
			return "", "", nil, fmt.Errorf("pilifake: RTMP path %q is not /<hub>/<stream>", u.Path)
		}
		for k, v := range u.Query() {
			params[k] = v[0]
		}
		return parts[0], parts[1], params, nil
	case strings.HasPrefix(raw, "srt://"):
		_, sid, ok := strings.Cut(raw, "?streamid=#!::")
		if !ok {
			return "", "", nil, fmt.Errorf("pilifake: SRT URL has no streamid=#!:: prefix")
		}
		for _, kv := range strings.Split(sid, ",") {
			k, v, _ := strings.Cut(kv, "=")
			params[k] = v
		}
		if params["m"] != "publish" {
			return "", "", nil, fmt.Errorf("pilifake: SRT mode %q is not publish", params["m"])
		}
		hub, title, ok := strings.Cut(params["h"], "/")
		if !ok {
			return "", "", nil, fmt.Errorf("pilifake: SRT h=%q is not <hub>/<stream>", params["h"])
		}
		return hub, title, params, nil
	}
	return "", "", nil, fmt.Errorf("pilifake: %q is not an rtmp:// or srt:// push URL", raw)
}
