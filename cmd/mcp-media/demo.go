package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/mcpserver"
	"github.com/mcp-media/mcp-media/internal/sandbox"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizeMiB := fs.Int("size-mib", 120, "size of the generated demo video (50 MiB chunks)")
	fs.Usage = subUsage(fs, stderr, "demo [--size-mib N]",
		"Starts the server on the built-in sandbox (fake providers, no account) and walks an MCP\nclient through the main flows, printing what the agent sees.")
	if done, err := parseFlagsOnly(fs, args); done {
		return err
	}
	stdout = &syncWriter{w: stdout}
	env, sb, cleanup, err := newEnv(envOptions{sandbox: true}, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	s, sel, err := mcpserver.Build(mcpserver.Options{Toolsets: []string{"all"}, Env: env})
	if err != nil {
		return err
	}
	c, err := client.NewInProcessClient(s)
	if err != nil {
		return err
	}
	defer c.Close()
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			if msg, ok := n.Params.AdditionalFields["message"].(string); ok {
				fmt.Fprintf(stdout, "  ⟳ progress notification:\n%s\n\n", indent(msg))
			}
		}
	})
	if err := c.Start(ctx); err != nil {
		return err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "mcp-media demo", Version: version()}
	if _, err := c.Initialize(ctx, init); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mcp-media demo — sandbox with fake providers; %d tools available. Nothing reaches a real account.\n\n", len(sel))

	dir, err := os.MkdirTemp("", "mcp-media-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	video := filepath.Join(dir, "launch-teaser.mp4")
	if err := writeDemoVideo(video, int64(*sizeMiB)<<20); err != nil {
		return err
	}

	call := func(name string, args map[string]any) (*mcp.CallToolResult, error) {
		b, _ := json.Marshal(args)
		fmt.Fprintf(stdout, "▶ agent calls %s %s\n\n", name, b)
		req := mcp.CallToolRequest{}
		req.Params.Name = name
		req.Params.Arguments = args
		req.Params.Meta = &mcp.Meta{ProgressToken: name}
		res, err := c.CallTool(ctx, req)
		if err != nil {
			return nil, err
		}
		mark := ""
		if res.IsError {
			mark = " (tool error)"
		}
		fmt.Fprintf(stdout, "◀ agent sees%s:\n%s\n\n", mark, indent(toolkit.ResultText(res)))
		return res, nil
	}
	structured := func(res *mcp.CallToolResult, key string) string {
		if m, ok := res.StructuredContent.(map[string]any); ok {
			if v, ok := m[key].(string); ok {
				return v
			}
		}
		return ""
	}

	steps := []func() error{
		func() error { _, err := call("media_providers", map[string]any{}); return err },
		func() error {
			// AIOZ notifies the sandbox's callback inbox; the wait below
			// reports those deliveries as seed 001's event cards.
			if _, err := call("aioz_create_webhook", map[string]any{"name": "demo inbox", "events": []string{"file_received", "encoding_finished"}}); err != nil {
				return err
			}
			res, err := call("aioz_upload_media", map[string]any{"file_path": video, "title": "Launch teaser", "chunk_size_mib": 50})
			if err != nil {
				return err
			}
			if res.IsError {
				return fmt.Errorf("upload failed")
			}
			id := structured(res, "media_id")
			if _, err := call("aioz_wait_for_media", map[string]any{"media_id": id, "timeout_seconds": 60}); err != nil {
				return err
			}
			if _, err := call("aioz_get_media", map[string]any{"media_id": id}); err != nil {
				return err
			}
			if _, err := call("aioz_list_media", map[string]any{"limit": 10}); err != nil {
				return err
			}
			if _, err := call("aioz_list_media", map[string]any{"search": "teaser"}); err != nil {
				return err
			}
			vtt := "WEBVTT\n\n00:00:00.000 --> 00:00:30.000\nIntro\n\n00:00:30.000 --> 00:01:30.000\nThe product\n\n00:01:30.000 --> 00:02:00.000\nWhere to buy\n"
			if _, err := call("aioz_add_chapter", map[string]any{"media_id": id, "language": "en", "vtt_text": vtt}); err != nil {
				return err
			}
			if _, err := call("aioz_list_chapters", map[string]any{"media_id": id}); err != nil {
				return err
			}
			if err := demoAIOZBrand(id, stdout, call); err != nil {
				return err
			}
			_, err = call("aioz_analytics_report", map[string]any{"type": "video", "from": "last 7 days"})
			return err
		},
		func() error {
			fmt.Fprintln(stdout, "── A live event on Qiniu Pili ──")
			fmt.Fprintln(stdout)
			stream := "launchlive"
			for _, st := range []struct {
				name string
				args map[string]any
			}{
				{"qiniu_create_stream", map[string]any{"stream": stream}},
				{"qiniu_stream_urls", map[string]any{"stream": stream, "expires_in": "2h"}},
			} {
				if _, err := call(st.name, st.args); err != nil {
					return err
				}
			}
			fmt.Fprintln(stdout, "(the encoder starts pushing to the RTMP URL)")
			fmt.Fprintln(stdout)
			sb.Pili.StartPush(sandbox.SandboxHub, stream)
			for _, st := range []struct {
				name string
				args map[string]any
			}{
				{"qiniu_get_live_status", map[string]any{"streams": []string{stream}}},
				{"qiniu_disable_stream", map[string]any{"stream": stream, "duration": "30m"}},
				{"qiniu_get_stream", map[string]any{"stream": stream}},
				{"qiniu_enable_stream", map[string]any{"stream": stream}},
				{"qiniu_record_stream", map[string]any{"stream": stream, "from": "last 2 hours", "format": "mp4"}},
			} {
				if _, err := call(st.name, st.args); err != nil {
					return err
				}
				if st.name == "qiniu_enable_stream" {
					sb.Pili.StartPush(sandbox.SandboxHub, stream)
				}
			}
			return nil
		},
		func() error {
			fmt.Fprintln(stdout, "── Speech recognition and moderation on Qiniu Dora ──")
			fmt.Fprintln(stdout)
			clip, how, err := demoClip(dir)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "(a short clip was %s)\n\n", how)
			png := filepath.Join(dir, "poster.png")
			if err := writePNG(png); err != nil {
				return err
			}
			if _, err := call("qiniu_transcribe_short", map[string]any{"path": clip}); err != nil {
				return err
			}
			if _, err := call("qiniu_transcribe_realtime", map[string]any{"path": clip}); err != nil {
				return err
			}
			if _, err := call("qiniu_censor_image", map[string]any{"path": png}); err != nil {
				return err
			}
			res, err := call("qiniu_transcribe_long", map[string]any{"url": "https://media.example.com/town-hall.wav", "wait": false})
			if err != nil {
				return err
			}
			task := structured(res, "task_id")
			fmt.Fprintln(stdout, "(the provider finishes the task and calls the server back; the inbox receives it)")
			fmt.Fprintln(stdout)
			for i := 0; i < 60; i++ {
				if evs, _ := env.Inbox.List(inbox.Filter{TaskID: task}); len(evs) > 0 {
					break
				}
				time.Sleep(250 * time.Millisecond)
			}
			_, err = call("media_events", map[string]any{"task_id": task})
			return err
		},
		func() error { return demoVOD(dir, stdout, call, structured) },
		func() error {
			fmt.Fprintln(stdout, "── A media stream to Alibaba Cloud ICE (CreateUploadStream, then OSS multipart with the STS credential) ──")
			fmt.Fprintln(stdout)
			_, err := call("aliyun_ice_upload_stream", map[string]any{"file_path": video, "definition": "HD", "part_size_mib": 8})
			return err
		},
		func() error {
			fmt.Fprintln(stdout, "A bad argument comes back as a tool error naming it; the server keeps serving:")
			_, err := call("aioz_upload_media", map[string]any{"file_path": video, "chunk_size_mib": 10})
			return err
		},
	}
	start := time.Now()
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Demo finished in %s. Next: `mcp-media auth set aioz` with your keys, then `mcp-media serve`.\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// writeDemoVideo writes an MP4-shaped file (an ftyp box, then noise) so the
// upload's content sniffing accepts it.
func writeDemoVideo(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	if _, err := f.Write(head); err != nil {
		return err
	}
	_, err = io.CopyN(f, rand.Reader, size-int64(len(head)))
	return err
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// demoClip speaks a sentence with espeak-ng and converts it to 16 kHz mono
// with sox when both are installed; otherwise it writes a 3 s tone WAV.
func demoClip(dir string) (string, string, error) {
	path := filepath.Join(dir, "welcome.wav")
	if _, err := exec.LookPath("espeak-ng"); err == nil {
		if _, err := exec.LookPath("sox"); err == nil {
			raw := filepath.Join(dir, "welcome-22k.wav")
			if exec.Command("espeak-ng", "-w", raw, "Welcome to the product launch").Run() == nil &&
				exec.Command("sox", raw, "-r", "16000", "-c", "1", "-b", "16", path).Run() == nil {
				return path, "spoken by espeak-ng and resampled by sox", nil
			}
		}
	}
	const rate, secs = 16000, 3
	pcm := make([]byte, rate*secs*2)
	for i := 0; i < rate*secs; i++ {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
	}
	var hdr bytes.Buffer
	hdr.WriteString("RIFF")
	binary.Write(&hdr, binary.LittleEndian, uint32(36+len(pcm)))
	hdr.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		binary.Write(&hdr, binary.LittleEndian, v)
	}
	hdr.WriteString("data")
	binary.Write(&hdr, binary.LittleEndian, uint32(len(pcm)))
	return path, "generated as a 440 Hz tone (install espeak-ng and sox for speech)", os.WriteFile(path, append(hdr.Bytes(), pcm...), 0o644)
}

// writePNG writes a small poster image for the moderation step.
func writePNG(path string) error {
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	for y := 0; y < 36; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 7), 160, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}
