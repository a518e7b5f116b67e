package e2e

import (
	"context"
	"testing"
	"time"
)

// An ICE upload whose replica is SIGKILLed mid-upload resumes through
// another replica, which has its own state dir (another machine): the OSS
// checkpoint and the ICE asset are in Redis, so it reuses the multipart
// upload and sends only the parts OSS does not have.
func TestClusterICEUploadResumesOnAnotherReplica(t *testing.T) {
	f := newICEFakes(t)
	c := newCluster(t, 2, func(int) []string {
		return cleanEnv("ALIBABA_CLOUD_ACCESS_KEY_ID="+f.ak, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+f.sk, "ALIBABA_CLOUD_REGION_ID=cn-beijing",
			"MCP_MEDIA_ICE_URL="+f.iceURL, "MCP_MEDIA_STATE_DIR="+t.TempDir())
	})
	c.route(-1, -1)
	video := c.filesDir + "/cluster-ice-clip.mp4"
	writeVideo(t, video, 40*mib)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cc := c.connect(ctx, nil)
	args := map[string]any{"file_path": video, "part_size_mib": 8}
	cc.pin.Store(0)
	first := doomedCall(ctx, cc, "aliyun_ice_upload_stream", args)
	select {
	case <-f.held:
	case err := <-first:
		t.Fatalf("the upload ended before part 3 was held: %v", err)
	case <-ctx.Done():
		t.Fatal("part 3 never started")
	}
	for i := 0; f.okParts() < 2 && i < 9000; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	c.kill(0)
	f.unblock()
	if n := f.okParts(); n != 2 {
		t.Fatalf("%d parts on OSS after the kill, want 2", n)
	}
	firstRun := len(f.oss.Log())
	resumeElsewhere(t, ctx, cc, first, "aliyun_ice_upload_stream", args)
	f.checkResumed(t, firstRun)
	auditRedis(t, c.redis, map[string]string{"the bearer token": c.token, "the Alibaba Cloud secret": f.sk})
}
