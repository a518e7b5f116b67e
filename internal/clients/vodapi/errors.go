package vodapi

// codes is spec §5: every VOD error code in English (the provider's own
// Chinese msg is kept next to it in *Error).
var codes = map[int]string{
	3101: "invalid parameter",
	3102: "file not found",
	3103: "the video is being uploaded",
	3104: "video upload failed",
	3105: "the video already has an in-progress or completed transcode",
	3106: "the media library already contains this video; do not upload it again",
	3107: "this file failed to upload; please upload it again",
	3108: "access denied",
	3111: "internal error: cannot create the transcode task",
	3112: "internal error: cannot delete the transcode task",
	3113: "internal error: uploading the file from URL failed",
	3114: "internal error: creating a temporary file failed",
	3121: "inserting the video failed",
	3122: "querying a single video failed",
	3123: "modifying the video failed",
	3124: "deleting the video failed",
	3125: "querying the video list failed",
	3126: "checking whether the storage ID exists failed",
	3127: "getting the sum of video sizes failed",
	3131: "inserting video detail data failed",
	3132: "querying a single video's detail data failed",
	3133: "modifying video detail data failed",
	3134: "deleting video detail data failed",
	3135: "querying the video detail data list failed",
	3141: "add video key description failed",
	3142: "modify video key description failed",
	3143: "get video key description failed",
	3144: "delete video key description failed",
	3151: "saving the transcode configuration failed",
	3152: "deleting the transcode configuration failed",
	3153: "getting the transcode configuration list failed",
	3161: "database error: getting total VOD traffic failed",
	3162: "database error: listing total VOD traffic failed",
	3163: "database error: listing the user's daily traffic failed",
	3164: "database error: getting the user's total VOD traffic failed",
}

// Chinese is the seed's text of each code, for the fake's msg.
var Chinese = map[int]string{
	3101: "参数不合法", 3102: "找不到该文件", 3103: "视频正在上传", 3104: "视频上传失败",
	3105: "视频已有正在进行的或已完成的转码", 3106: "媒体库已存在该视频,请勿重复上传",
	3107: "该文件上传失败,请重新上传", 3108: "访问拒绝",
	3111: "内部错误:无法创建转码任务", 3112: "内部错误:无法删除转码任务",
	3113: "内部错误:从 URL 上传文件失败", 3114: "内部错误:创建临时文件失败",
	3121: "插入视频失败", 3122: "查询单个视频失败", 3123: "修改视频失败", 3124: "删除视频失败",
	3125: "查询视频列表失败", 3126: "检查 storage ID 是否存在失败", 3127: "获取视频大小之和失败",
	3131: "插入视频具体数据失败", 3132: "查询单个视频具体数据失败", 3133: "修改视频具体数据失败",
	3134: "删除视频具体数据失败", 3135: "查询视频具体数据列表失败",
	3141: "add video key description failed", 3142: "modify video key description failed",
	3143: "get video key description failed", 3144: "delete video key description failed",
	3151: "保存转码配置失败", 3152: "删除转码配置失败", 3153: "获取转码配置列表失败",
	3161: "数据库错误:获取点播总流量失败", 3162: "数据库错误:列出点播总流量失败",
	3163: "数据库错误:列出用户每日流量失败", 3164: "数据库错误:获取用户点播总流量失败",
}

// Codes lists every documented code (tests walk it).
func Codes() []int {
	out := make([]int, 0, len(codes))
	for c := range codes {
		out = append(out, c)
	}
	return out
}

// Translate is the English text of a code ("" when undocumented).
func Translate(code int) string { return codes[code] }

// Hint is what a person can do about a code.
func Hint(code int) string {
	switch code {
	case 3108:
		return AccessDenied
	case 3101:
		return "Check the arguments against the tool's schema (90-day windows, Beijing midnights, password length)"
	case 3102, 3122:
		return "Check the video id (vod_list_videos finds it by name)"
	case 3103:
		return "The video is not ready yet: wait for video_ready (vod_get_video shows its status) and try again"
	case 3104, 3107:
		return "Upload the file again with vod_upload_video"
	case 3105:
		return "The video already has a transcode; pass redo: true to replace it (this deletes the existing transcode)"
	case 3106:
		return "This storage id already has a video; use that video instead of creating another"
	}
	if code >= 3111 && code <= 3164 {
		return "The VOD service failed internally; try again shortly"
	}
	return ""
}
