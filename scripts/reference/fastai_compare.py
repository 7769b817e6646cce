# fastai 2.8 reference for `descent compare` (the README's main job): the seed's study on the
# same folder and setup — resnet34 from scratch, Resize(32), aug_transforms(size=28,
# min_scale=0.5), imagenet Normalize, bs 128, fit_one_cycle(3) — with the custom steppers
# written as fastai callbacks. Prints each run's lr, final accuracy and seconds.
#   python fastai_compare.py SEED THREADS FOLDER WORKERS sgd,sgd-custom,momentum,rmsprop,adam
# (FOLDER: the folder `descent data mnist5k` prints). Needs `pip install fastai`;
# Descent itself never runs Python.
import sys, time
from functools import partial
import torch
from fastai.vision.all import *
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests/DescentOptimTests/Reference"))
from seed_steppers import sgd_cb, average_grad, momentum_step, average_square_grad, rms_prop_step

seed, threads, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
workers = int(sys.argv[4]); names = sys.argv[5].split(",")
torch.set_num_threads(threads)

def learner(opt_func):
    set_seed(seed, reproducible=True)
    dls = ImageDataLoaders.from_folder(folder, train='train', valid='val', bs=128, num_workers=workers,
        item_tfms=Resize(32), batch_tfms=[*aug_transforms(size=28, min_scale=0.5), Normalize.from_stats(*imagenet_stats)])
    return vision_learner(dls, resnet34, pretrained=False, metrics=accuracy, opt_func=opt_func)

# The seed's runs: optimizer, lr (None: lr_find's valley) and fit_one_cycle's moms (None: fastai's
# default, which drives the momentum run's `mom`).
runs = {
  'sgd': (SGD, None, (0, 0, 0)),
  'sgd-custom': (partial(Optimizer, cbs=[sgd_cb]), 1.5e-2, (0, 0, 0)),
  'momentum': (partial(Optimizer, cbs=[average_grad, momentum_step], mom=0.9), 3e-2, None),
  'rmsprop': (partial(Optimizer, cbs=[average_square_grad, rms_prop_step], square_mom=0.99, eps=1e-8), 3e-3, None),
  'adam': (Adam, 3e-3, None),
}
for name in names:
    opt, lr, moms = runs[name]
    t0 = time.time(); learn = learner(opt)
    if lr is None: lr = learn.lr_find(show_plot=False).valley
    t1 = time.time(); learn.fit_one_cycle(3, lr, moms=moms); t2 = time.time()
    acc = float(learn.recorder.values[-1][2])
    print(f"RESULT seed={seed} threads={threads} workers={workers} {name} lr={lr:.3g} acc={acc:.3f} fit_s={t2-t1:.1f} total_s={t2-t0:.1f}", flush=True)
