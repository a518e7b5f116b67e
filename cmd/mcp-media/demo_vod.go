package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/mark3labs/mcp-go/mcp"
)

// demoVOD is the demo's VOD section: upload and wait for video_ready by
// callback, transcode, share with a password, a traffic report and a CSV
// export.
func demoVOD(dir string, stdout io.Writer, call func(string, map[string]any) (*mcp.CallToolResult, error),
	structured func(*mcp.CallToolResult, string) string) error {
	fmt.Fprintln(stdout, "── VOD service (seed 002) ──")
	fmt.Fprintln(stdout)
	clip := filepath.Join(dir, "product-tour.mp4")
	if err := writeDemoVideo(clip, 8<<20); err != nil {
		return err
	}
	if _, err := call("vod_get_callback_url", map[string]any{}); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "(the sandbox's VOD service has these addresses registered: video_ready comes back by callback)")
	fmt.Fprintln(stdout)
	res, err := call("vod_upload_video", map[string]any{"file_path": clip, "video_name": "Product tour", "wait": true})
	if err != nil {
		return err
	}
	id := structured(res, "video_id")
	if id == "" {
		return fmt.Errorf("demo: vod_upload_video returned no video id")
	}
	steps := []struct {
		name string
		args map[string]any
	}{
		{"vod_transcode_video", map[string]any{"video_id": id, "task_config_temp_id": 3, "wait": true}},
		{"vod_set_share", map[string]any{"video_id": id, "shared_state": "password", "password": "tour-2026"}},
		{"vod_get_shared_video", map[string]any{"video_id": id, "password": "tour-2026"}},
		{"vod_list_videos", map[string]any{}},
		{"vod_traffic_report", map[string]any{"scope": "per_day", "from": "last 7 days"}},
		{"vod_export_traffic", map[string]any{"kind": "per_video"}},
		{"media_events", map[string]any{"provider": "vod"}},
	}
	for _, st := range steps {
		if _, err := call(st.name, st.args); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, "A password longer than the service allows is refused before anything is sent:")
	_, err = call("vod_set_share", map[string]any{"video_id": id, "shared_state": "password", "password": "a-very-long-password"})
	return err
}
