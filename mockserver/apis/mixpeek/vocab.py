"""The words the seeded Mixpeek world is made of: namespace themes and their collections,
feature extractors per modality, teams, projects and taxonomies."""

from __future__ import annotations

# theme -> (description, collections); a collection is (name, modality, upstream name or None)
THEMES: dict[str, tuple[str, list[tuple[str, str, str | None]]]] = {
    "product_catalog": (
        "Product images and descriptions for the storefront search.",
        [
            ("product_images", "image", None),
            ("product_descriptions", "text", None),
            ("product_reviews", "text", None),
            ("review_sentiment", "text", "product_reviews"),
            ("product_videos", "video", None),
            ("product_video_frames", "image", "product_videos"),
        ],
    ),
    "media_library": (
        "Brand video and photo archive used by the marketing team.",
        [
            ("marketing_videos", "video", None),
            ("video_frames", "image", "marketing_videos"),
            ("frame_captions", "text", "video_frames"),
            ("brand_photos", "image", None),
            ("voiceover_audio", "audio", None),
        ],
    ),
    "support_knowledge_base": (
        "Help-center articles and resolved tickets for the support assistant.",
        [
            ("help_articles", "document", None),
            ("article_chunks", "text", "help_articles"),
            ("resolved_tickets", "text", None),
            ("call_recordings", "audio", None),
            ("call_transcripts", "text", "call_recordings"),
        ],
    ),
    "legal_contracts": (
        "Signed contracts and amendments, searchable by clause.",
        [
            ("contract_pdfs", "document", None),
            ("contract_pages", "image", "contract_pdfs"),
            ("clause_embeddings", "text", "contract_pdfs"),
            ("amendments", "document", None),
        ],
    ),
    "podcast_archive": (
        "Every published podcast episode with transcripts and chapter markers.",
        [
            ("episodes", "audio", None),
            ("episode_transcripts", "text", "episodes"),
            ("chapter_summaries", "text", "episode_transcripts"),
            ("cover_art", "image", None),
        ],
    ),
    "real_estate_listings": (
        "Property listings with photos and floor plans for the search portal.",
        [
            ("listing_photos", "image", None),
            ("floor_plans", "image", None),
            ("listing_descriptions", "text", None),
            ("virtual_tours", "video", None),
        ],
    ),
    "security_footage": (
        "Camera footage from the warehouses, indexed for incident review.",
        [
            ("camera_streams", "video", None),
            ("motion_frames", "image", "camera_streams"),
            ("incident_reports", "document", None),
        ],
    ),
    "research_papers": (
        "Internal research papers and their figures for the lab's literature search.",
        [
            ("paper_pdfs", "document", None),
            ("paper_sections", "text", "paper_pdfs"),
            ("paper_figures", "image", "paper_pdfs"),
        ],
    ),
}
ENVS = ("prod", "staging", "dev")

# modality -> (extractor, version, input mapping, output fields, vector index, dims, inference)
EXTRACTORS: dict[str, tuple[str, str, dict[str, str], list[str], str, int, str]] = {
    "image": (
        "image_extractor",
        "v1",
        {"image": "image_url"},
        ["image_embedding"],
        "image_extractor_v1_embedding",
        768,
        "google_siglip_base_v1",
    ),
    "text": (
        "text_extractor",
        "v1",
        {"text": "content"},
        ["text_embedding"],
        "text_extractor_v1_embedding",
        1024,
        "intfloat_multilingual_e5_large",
    ),
    "video": (
        "video_extractor",
        "v2",
        {"video": "video_url"},
        ["scene_embedding", "transcript"],
        "video_extractor_v2_embedding",
        1408,
        "google_vertex_multimodal",
    ),
    "audio": (
        "audio_extractor",
        "v1",
        {"audio": "audio_url"},
        ["transcript", "transcript_embedding"],
        "audio_extractor_v1_embedding",
        1024,
        "openai_whisper_large_v3",
    ),
    "document": (
        "document_extractor",
        "v1",
        {"document": "file_url"},
        ["page_text", "page_embedding"],
        "document_extractor_v1_embedding",
        1024,
        "intfloat_multilingual_e5_large",
    ),
}
TEAMS = ("data-science", "search", "platform", "marketing", "support-ops", "ml-infra")
PROJECTS = ("Q3_relaunch", "Q4_campaign", "semantic_search", "assistant_v2", "catalog_cleanup")
TAXONOMIES = ("product_categories", "iab_content", "brand_safety", "topic_tree", "sentiment_labels")
