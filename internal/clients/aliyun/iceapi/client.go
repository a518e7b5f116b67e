// Package iceapi speaks Alibaba Cloud ICE (Intelligent Media Services,
// API version 2020-11-09) and the OSS upload that follows CreateUploadStream.
// It uses the official SDKs only: darabonba-openapi for the signed RPC call
// (V3, ACS3-HMAC-SHA256) and alibabacloud-oss-go-sdk-v2 for the multipart,
// resumable upload with the STS credential ICE hands back. Both run on the
// project's HTTP stack (internal/httpx's transport and user agent), every
// secret is registered with the redaction set as soon as it is known, and
// SDK errors are translated into messages that keep Alibaba's code but never
// carry a response body, a string-to-sign or a request snapshot.
package iceapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"

	// Strips the SDKs' DEBUG flags before they initialise (see its doc).
	_ "github.com/mcp-media/mcp-media/internal/clients/aliyun/sdkquiet"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// API facts (shared/specs/aliyun-ice.md §1.2).
const (
	APIVersion    = "2020-11-09"
	DefaultRegion = "cn-shanghai"
)

// Regions are the only regions where CreateUploadStream exists (seed 003).
var Regions = []string{"cn-shanghai", "cn-beijing", "cn-shenzhen"}

// Config is what a client needs.
type Config struct {
	// Endpoint is the ICE base URL, e.g. https://ice.cn-shanghai.aliyuncs.com
	// or a fake's http://127.0.0.1:port; "{region_id}" is replaced by Region.
	Endpoint        string
	Region          string // "" → cn-shanghai
	AccessKeyID     string
	AccessKeySecret string
	// SignatureV2 signs with the legacy HMAC-SHA1 RPC signature instead of V3.
	SignatureV2 bool
	HTTP        *http.Client // nil: httpx's default client
	Redact      *redact.Set
	Log         *slog.Logger
	// Timeout bounds the CreateUploadStream call; 0 → 60s.
	Timeout time.Duration
}

// Client calls ICE and uploads to OSS.
type Client struct {
	cfg    Config
	api    *openapi.Client
	http   *http.Client // the httpx transport, shared by both SDKs
	origin string       // scheme://host of the ICE endpoint, for messages
}

// RegionError refuses a region without CreateUploadStream.
type RegionError struct{ Region string }

func (e *RegionError) Error() string {
	return fmt.Sprintf("region %q has no CreateUploadStream: Alibaba Cloud ICE offers it only in %s. Fix: set region_id to one of them (run `mcp-media auth set aliyun`, or set ALIBABA_CLOUD_REGION_ID)",
		e.Region, strings.Join(Regions, ", "))
}

// CheckRegion returns a *RegionError unless region is one of Regions.
func CheckRegion(region string) error {
	for _, r := range Regions {
		if r == region {
			return nil
		}
	}
	return &RegionError{Region: region}
}

// New checks the region and builds the SDK client; no request is sent.
func New(cfg Config) (*Client, error) {
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Redact == nil {
		cfg.Redact = &redact.Set{}
	}
	cfg.Redact.Add(cfg.AccessKeyID, cfg.AccessKeySecret)
	if err := CheckRegion(cfg.Region); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	raw := strings.ReplaceAll(cfg.Endpoint, "{region_id}", cfg.Region)
	if raw == "" {
		raw = "https://ice." + cfg.Region + ".aliyuncs.com"
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("aliyun ICE endpoint %q is not an http(s) URL. Fix: correct MCP_MEDIA_ICE_URL or unset it", raw)
	}
	c := &Client{cfg: cfg, http: sharedHTTP(cfg.HTTP, cfg.Log), origin: u.Scheme + "://" + u.Host}
	oc := &openapi.Config{
		AccessKeyId:     dara.String(cfg.AccessKeyID),
		AccessKeySecret: dara.String(cfg.AccessKeySecret),
		RegionId:        dara.String(cfg.Region),
		// Pitfall: Endpoint is host[:port] without a scheme, and Protocol
		// overrides the operation's "HTTPS" (a plain-http fake needs "http").
		Endpoint:   dara.String(u.Host),
		Protocol:   dara.String(u.Scheme),
		UserAgent:  dara.String(httpx.UserAgent),
		HttpClient: daraHTTP{c.http},
	}
	if cfg.SignatureV2 {
		oc.SignatureAlgorithm = dara.String("v2")
	}
	if c.api, err = openapi.NewClient(oc); err != nil {
		return nil, c.translate("CreateUploadStream", err)
	}
	return c, nil
}

// Region is the configured region.
func (c *Client) Region() string { return c.cfg.Region }

// Endpoint is the ICE origin calls go to.
func (c *Client) Endpoint() string { return c.origin }

// CreateRequest are CreateUploadStream's parameters (§1.3); empty ones are
// not sent.
type CreateRequest struct {
	MediaID       string
	Definition    string
	FileExtension string
	HDRType       string
	UserData      string
}

// Stream is CreateUploadStream's answer with UploadAddress and UploadAuth
// decoded. Auth holds the temporary STS secret: it is registered for
// redaction before CreateUploadStream returns and never leaves this package
// in a result.
type Stream struct {
	RequestID string
	MediaID   string
	FileURL   string
	Address   Address
	Auth      Auth
}

// CreateUploadStream obtains an upload address and STS credential.
func (c *Client) CreateUploadStream(ctx context.Context, req CreateRequest) (*Stream, error) {
	const op = "CreateUploadStream"
	q := map[string]*string{}
	for k, v := range map[string]string{"MediaId": req.MediaID, "Definition": req.Definition,
		"FileExtension": req.FileExtension, "HDRType": req.HDRType, "UserData": req.UserData} {
		if v != "" {
			q[k] = dara.String(v)
		}
	}
	params := &openapi.Params{
		Action: dara.String(op), Version: dara.String(APIVersion), Protocol: dara.String("HTTPS"),
		Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"),
		Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	start := time.Now()
	resp, err := c.api.CallApiWithCtx(ctx, params, &openapi.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
	if err != nil {
		if ctx.Err() != nil && !errorsIsSDK(err) {
			return nil, fmt.Errorf("aliyun ICE %s: %w (after %s)", op, ctx.Err(), time.Since(start).Round(time.Millisecond))
		}
		return nil, c.translate(op, err)
	}
	return c.decodeResponse(resp["body"])
}

// decodeResponse turns CallApi's "body" into a Stream.
func (c *Client) decodeResponse(body any) (*Stream, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("aliyun ICE CreateUploadStream: unreadable response: %v", err)
	}
	var b struct {
		RequestID     string `json:"RequestId"`
		MediaID       string `json:"MediaId"`
		FileURL       string `json:"FileURL"`
		UploadAddress string `json:"UploadAddress"`
		UploadAuth    string `json:"UploadAuth"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("aliyun ICE CreateUploadStream: the response is not the documented object (RequestId, MediaId, FileURL, UploadAddress, UploadAuth)")
	}
	// The encoded credential is as secret as the decoded one.
	c.cfg.Redact.Add(b.UploadAuth)
	auth, err := DecodeAuth(b.UploadAuth, c.cfg.Redact)
	if err != nil {
		return nil, fmt.Errorf("aliyun ICE CreateUploadStream (request id %s): %w", b.RequestID, err)
	}
	addr, err := DecodeAddress(b.UploadAddress)
	if err != nil {
		return nil, fmt.Errorf("aliyun ICE CreateUploadStream (request id %s): %w", b.RequestID, err)
	}
	if b.MediaID == "" {
		return nil, fmt.Errorf("aliyun ICE CreateUploadStream (request id %s): the response has no MediaId", b.RequestID)
	}
	return &Stream{RequestID: b.RequestID, MediaID: b.MediaID, FileURL: b.FileURL, Address: addr, Auth: auth}, nil
}
