"""The report's settings table shows the user's settings, not Keras optimizer internals."""

import json

from kerasdl.reports import write_run
from kerasdl.reports._settings import describe_object, user_settings

# what kerasdl.train records (config.json "settings") for adam + a cosine schedule
TRAIN_SETTINGS = {
    "optimizer": "adam",
    "optimizer_options": {},
    "optimizer_config": {
        "name": "adam_1",
        "learning_rate": {"module": "kerasdl.training._schedules",
                          "class_name": "WarmupCosineDecay",
                          "config": {"peak_learning_rate": 0.01, "total_steps": 15,
                                     "warmup_steps": 0, "min_learning_rate": 0.0},
                          "registered_name": "kerasdl>WarmupCosineDecay"},
        "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
        "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
        "loss_scale_factor": None, "gradient_accumulation_steps": None, "beta_1": 0.9,
        "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False,
    },
    "learning_rate": 0.01,
    "schedule": {"class": "WarmupCosineDecay", "peak_learning_rate": 0.01, "total_steps": 15,
                 "warmup_steps": 0, "min_learning_rate": 0.0},
    "epochs": 3,
    "batch_size": 32,
    "seed": 0,
    "backend": "tensorflow",
}


def test_user_settings_exact():
    assert user_settings(TRAIN_SETTINGS, {"backend": "tensorflow"}) == {
        "optimizer": "adam",
        "optimizer_options": {},
        "learning_rate": 0.01,
        "schedule": "WarmupCosineDecay(peak_learning_rate=0.01, total_steps=15, "
                    "warmup_steps=0, min_learning_rate=0)",
        "epochs": 3,
        "batch_size": 32,
        "seed": 0,
    }


def test_an_optimizer_object_is_summarised_and_fills_the_learning_rate():
    settings = {"optimizer": "SGD", "learning_rate": None,
                "optimizer_config": {"name": "SGD", "learning_rate": 0.05, "momentum": 0.9,
                                     "nesterov": False, "use_ema": False,
                                     "loss_scale_factor": None}}
    assert user_settings(settings) == {"optimizer": "SGD", "learning_rate": 0.05}
    serialized = {"module": "keras.optimizers", "class_name": "SGD", "registered_name": None,
                  "config": settings["optimizer_config"]}
    assert describe_object(serialized) == "SGD(learning_rate=0.05, momentum=0.9, nesterov=False)"


def test_report_settings_table_has_no_internals_and_keeps_the_raw_config(tmp_path):
    write_run(tmp_path, config=TRAIN_SETTINGS, plots=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    table = page[page.index("<h3>Settings</h3>"):page.index("<h3>Environment</h3>")]
    for internal in ("ema_momentum", "loss_scale_factor", "registered_name", "module",
                     "optimizer_config", "gradient_accumulation_steps"):
        assert internal not in table
    assert ("<tr><th>schedule</th><td>WarmupCosineDecay(peak_learning_rate=0.01, "
            "total_steps=15, warmup_steps=0, min_learning_rate=0)</td></tr>") in table
    assert '<tr><th>batch_size</th><td class="n">32</td></tr>' in table
    raw = page[page.index("<details><summary>config.json as written"):]
    assert "&quot;ema_momentum&quot;: 0.99" in raw  # the raw file stays one click away
    assert json.loads((tmp_path / "config.json").read_text())["settings"] == TRAIN_SETTINGS
