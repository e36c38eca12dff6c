import { GlassboxError } from '../../../errors.js';
import type { Trainable } from '../../../model/capabilities.js';
import { imageLayout, permuteImages } from '../../../model/image-layout.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import type { LabelledImages } from '../../../defuse/correct.js';
import { checkPixels } from '../../../defuse/vae/train.js';
import { folderLabels, labelsFile, loadGradientData } from '../../image-inputs.js';

/** What glassbox defuse works on: a trainable classifier and channels-last labelled images. */
export interface DefuseInputs {
  readonly model: Model & Trainable;
  readonly modelKind: 'onnx' | 'tfjs';
  readonly train: LabelledImages;
  /** 0-based rows (image ids) of the training images in their source. */
  readonly trainRowIds: Int32Array;
  readonly test: LabelledImages;
  readonly describe: string;
}

export interface FileFlags {
  model?: string;
  data?: string;
  labels?: string;
  testData?: string;
  testLabels?: string;
}

/** Images as [n, H, W, C]: folders load as [n, C, H, W]; a .npy tensor is read in the layout its shape suggests. */
function channelsLast(x: Tensor, fromFolder: boolean): Tensor {
  if (x.shape.length === 3) return { data: x.data, shape: [...x.shape, 1] };
  if (x.shape.length !== 4) throw new GlassboxError('shape_mismatch', `Images of shape [${x.shape.join(', ')}]; expected [n, H, W, C] or [n, C, H, W]`, { argument: '--data', hint: 'Pass a folder of images or a 4-d .npy tensor.' });
  return fromFolder || imageLayout(x.shape) === 'nchw' ? permuteImages(x, 'nchw') : x;
}

async function labelledImages(path: string, labelsPath: string | undefined, model: Model, flag: string, labelsFlag: string): Promise<LabelledImages> {
  const loaded = await loadGradientData(path, model);
  const fromFolder = loaded.labels !== undefined;
  const n = loaded.x.shape[0] ?? 0;
  let labels: Int32Array;
  if (fromFolder) {
    if (labelsPath) throw new GlassboxError('invalid_argument', `${path} is a folder: its labels come from the subfolders, so ${labelsFlag} does not apply`, { argument: labelsFlag, hint: `Drop ${labelsFlag}.` });
    labels = folderLabels(loaded.labels!, loaded.classes ?? [], model);
    const bad = labels.indexOf(-1);
    if (bad >= 0) throw new GlassboxError('invalid_input', `${path}: image ${bad} is in a subfolder that names none of the model's classes (${model.classes.join(', ')})`, { file: path, argument: flag, hint: 'Name each subfolder like a model class or an output index.' });
  } else {
    if (!labelsPath) throw new GlassboxError('invalid_argument', `${flag} ${path} is a .npy tensor: give its labels with ${labelsFlag} y.npy`, { argument: labelsFlag, hint: 'One integer class index per image.' });
    labels = labelsFile(labelsPath, n);
    const bad = labels.findIndex((l) => !(l >= 0 && l < model.outputWidth));
    if (bad >= 0) throw new GlassboxError('invalid_input', `${labelsPath}: label ${labels[bad]} at row ${bad} is not a class index of the model (0 … ${model.outputWidth - 1})`, { file: labelsPath, argument: labelsFlag, row: bad, hint: 'Labels are class indices in model-output order.' });
  }
  const images = channelsLast(loaded.x, fromFolder);
  checkPixels(images, flag);
  return { images, labels };
}

/** --model M --data train/ --test-data test/ (folders or .npy with --labels/--test-labels), checked before any training. */
export async function loadDefuseFileInputs(flags: FileFlags): Promise<DefuseInputs> {
  for (const [flag, value] of [['--model', flags.model], ['--data', flags.data], ['--test-data', flags.testData]] as const) {
    if (!value) throw new GlassboxError('invalid_argument', `Missing ${flag}: glassbox defuse needs --model, --data (training images) and --test-data, or --demo digits`, { argument: flag, hint: 'e.g. glassbox defuse --model cnn.onnx --data train/ --test-data test/ --out defuse-out' });
  }
  const { loadTrainableModel } = await import('../../../train/load.js');
  const model = await loadTrainableModel(flags.model!);
  try {
    if (model.task === 'regression') throw new GlassboxError('unsupported_model', `${flags.model} is a regression model; Defuse debugs classifiers`, { file: flags.model, argument: '--model' });
    const train = await labelledImages(flags.data!, flags.labels, model, '--data', '--labels');
    const test = await labelledImages(flags.testData!, flags.testLabels, model, '--test-data', '--test-labels');
    if (train.images.shape.slice(1).join() !== test.images.shape.slice(1).join()) {
      throw new GlassboxError('shape_mismatch', `--data images are [${train.images.shape.slice(1).join(', ')}], --test-data images [${test.images.shape.slice(1).join(', ')}]`, { argument: '--test-data', hint: 'Use images of one size.' });
    }
    const n = train.labels.length;
    return { model, modelKind: flags.model!.toLowerCase().endsWith('.onnx') ? 'onnx' : 'tfjs', train, trainRowIds: Int32Array.from({ length: n }, (_, i) => i), test, describe: `${flags.model} on ${flags.data}` };
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
}
